package dev.kiln.desktop.internal;

import org.eclipse.jface.dialogs.IMessageProvider;
import org.eclipse.jface.dialogs.TitleAreaDialog;
import org.eclipse.jface.layout.GridDataFactory;
import org.eclipse.jface.layout.GridLayoutFactory;
import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Control;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Shell;
import org.eclipse.swt.widgets.Text;

/** A dialog of labelled fields; {@link #accept()} reads them and says what is wrong, keeping the dialog open. */
abstract class FormDialog extends TitleAreaDialog {

    private final String title;
    private final String message;

    FormDialog(Shell parent, String title, String message) {
        super(parent);
        this.title = title;
        this.message = message;
    }

    /** Adds the fields to {@code form}, a two-column grid. */
    abstract void createFields(Composite form);

    /**
     * Reads the fields into the dialog's result.
     *
     * @throws IllegalArgumentException saying what to correct
     */
    abstract void accept();

    @Override
    protected Control createDialogArea(Composite parent) {
        Composite area = (Composite) super.createDialogArea(parent);
        setTitle(title);
        setMessage(message);
        getShell().setText(title);
        Composite form = new Composite(area, SWT.NONE);
        GridLayoutFactory.swtDefaults().numColumns(2).margins(12, 12).applyTo(form);
        GridDataFactory.fillDefaults().grab(true, true).applyTo(form);
        createFields(form);
        return area;
    }

    @Override
    protected void okPressed() {
        try {
            accept();
        } catch (IllegalArgumentException e) {
            setMessage(e.getMessage(), IMessageProvider.ERROR);
            return;
        }
        super.okPressed();
    }

    /** A text field with its label; {@code id} names it for tests and tools. */
    static Text field(Composite form, String label, String initial, int style, String id) {
        new Label(form, SWT.NONE).setText(label);
        Text text = WidgetIds.name(new Text(form, SWT.BORDER | style), id);
        text.setText(initial);
        GridDataFactory.fillDefaults().grab(true, false).hint(380, SWT.DEFAULT).applyTo(text);
        return text;
    }
}
