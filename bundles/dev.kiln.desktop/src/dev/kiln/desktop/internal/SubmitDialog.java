package dev.kiln.desktop.internal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.eclipse.jface.layout.GridDataFactory;
import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.FileDialog;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Shell;
import org.eclipse.swt.widgets.Spinner;
import org.eclipse.swt.widgets.Text;

import dev.kiln.desktop.model.views.Inputs;

/** Picks .drv files, a priority and tags for new builds. */
final class SubmitDialog extends FormDialog {

    /** What to submit. */
    record Submission(List<Path> files, int priority, Map<String, String> tags) {
    }

    private final List<Path> files = new ArrayList<>();
    private org.eclipse.swt.widgets.List fileList;
    private Spinner priority;
    private Text tags;
    private Submission result;

    SubmitDialog(Shell parent) {
        super(parent, Messages.SUBMIT_TITLE, Messages.SUBMIT_MESSAGE);
    }

    Submission result() {
        return result;
    }

    @Override
    void createFields(Composite form) {
        Button add = new Button(form, SWT.PUSH);
        add.setText(Messages.SUBMIT_ADD);
        GridDataFactory.fillDefaults().align(SWT.BEGINNING, SWT.BEGINNING).applyTo(add);
        fileList = WidgetIds.name(new org.eclipse.swt.widgets.List(form, SWT.BORDER | SWT.V_SCROLL | SWT.H_SCROLL),
                WidgetIds.SUBMIT_FILES);
        GridDataFactory.fillDefaults().grab(true, true).hint(420, 120).applyTo(fileList);
        add.addListener(SWT.Selection, e -> pickFiles());
        new Label(form, SWT.NONE).setText(Messages.SUBMIT_PRIORITY);
        priority = WidgetIds.name(new Spinner(form, SWT.BORDER), WidgetIds.SUBMIT_PRIORITY);
        priority.setValues(0, -1000, 1000, 0, 1, 10);
        tags = field(form, Messages.SUBMIT_TAGS, "", SWT.NONE, WidgetIds.SUBMIT_TAGS);
    }

    @Override
    void accept() {
        if (files.isEmpty()) {
            throw new IllegalArgumentException(Messages.SUBMIT_NO_FILES);
        }
        result = new Submission(List.copyOf(files), priority.getSelection(), Inputs.tags(tags.getText()));
    }

    private void pickFiles() {
        FileDialog dialog = new FileDialog(getShell(), SWT.OPEN | SWT.MULTI);
        dialog.setFilterExtensions(new String[] {"*.drv", "*"});
        if (dialog.open() == null) {
            return;
        }
        addFiles(java.util.Arrays.stream(dialog.getFileNames()).map(name -> Path.of(dialog.getFilterPath(), name))
                .toList());
    }

    /** Adds files to submit, once each; display thread. */
    void addFiles(List<Path> picked) {
        for (Path file : picked) {
            if (!files.contains(file)) {
                files.add(file);
                fileList.add(file.toString());
            }
        }
    }
}
