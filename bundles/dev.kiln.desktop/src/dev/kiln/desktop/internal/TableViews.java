package dev.kiln.desktop.internal;

import java.util.Arrays;

import org.eclipse.jface.layout.GridDataFactory;
import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Table;
import org.eclipse.swt.widgets.TableColumn;
import org.eclipse.swt.widgets.Tree;
import org.eclipse.swt.widgets.TreeColumn;

/** Columns and buttons shared by the agent, plan, hook and jobset views. */
final class TableViews {

    private TableViews() {
    }

    static void columns(Table table, String[] titles, int width) {
        int[] widths = new int[titles.length];
        Arrays.fill(widths, width);
        columns(table, titles, widths);
    }

    static void columns(Table table, String[] titles, int[] widths) {
        table.setHeaderVisible(true);
        table.setLinesVisible(true);
        for (int i = 0; i < titles.length; i++) {
            TableColumn column = new TableColumn(table, SWT.NONE);
            column.setText(titles[i]);
            column.setWidth(widths[i]);
        }
    }

    static void columns(Tree tree, String[] titles, int[] widths) {
        tree.setHeaderVisible(true);
        for (int i = 0; i < titles.length; i++) {
            TreeColumn column = new TreeColumn(tree, SWT.NONE);
            column.setText(titles[i]);
            column.setWidth(widths[i]);
        }
    }

    static Button button(Composite parent, String text, Runnable action) {
        Button button = new Button(parent, SWT.PUSH);
        button.setText(text.replace("…", "").replace("&", "") + (text.endsWith("…") ? "…" : ""));
        button.addListener(SWT.Selection, e -> action.run());
        GridDataFactory.fillDefaults().applyTo(button);
        return button;
    }
}
