package dev.kiln.desktop.internal;

import org.eclipse.jface.dialogs.IDialogConstants;
import org.eclipse.jface.dialogs.TitleAreaDialog;
import org.eclipse.jface.layout.GridDataFactory;
import org.eclipse.jface.layout.GridLayoutFactory;
import org.eclipse.swt.SWT;
import org.eclipse.swt.dnd.Clipboard;
import org.eclipse.swt.dnd.TextTransfer;
import org.eclipse.swt.dnd.Transfer;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Control;
import org.eclipse.swt.widgets.Shell;
import org.eclipse.swt.widgets.Text;

import dev.kiln.protocol.AgentPassword;

/** Shows an agent's password, which the coordinator shows only once, with a button to copy it. */
final class PasswordDialog extends TitleAreaDialog {

    private final AgentPassword credentials;

    PasswordDialog(Shell parent, AgentPassword credentials) {
        super(parent);
        this.credentials = credentials;
    }

    @Override
    protected Control createDialogArea(Composite parent) {
        Composite area = (Composite) super.createDialogArea(parent);
        setTitle(Messages.PASSWORD_TITLE);
        setMessage(String.format(Messages.PASSWORD_MESSAGE, credentials.id()));
        getShell().setText(Messages.PASSWORD_TITLE);
        Composite form = new Composite(area, SWT.NONE);
        GridLayoutFactory.swtDefaults().numColumns(2).margins(12, 12).applyTo(form);
        GridDataFactory.fillDefaults().grab(true, true).applyTo(form);
        Text password = WidgetIds.name(new Text(form, SWT.BORDER | SWT.READ_ONLY), WidgetIds.PASSWORD_TEXT);
        password.setText(credentials.password());
        password.setFont(org.eclipse.jface.resource.JFaceResources.getTextFont());
        GridDataFactory.fillDefaults().grab(true, false).hint(360, SWT.DEFAULT).applyTo(password);
        Button copy = new Button(form, SWT.PUSH);
        copy.setText(Messages.PASSWORD_COPY);
        copy.addListener(SWT.Selection, e -> {
            Clipboard clipboard = new Clipboard(getShell().getDisplay());
            try {
                clipboard.setContents(new Object[] {credentials.password()}, new Transfer[] {TextTransfer.getInstance()});
            } finally {
                clipboard.dispose();
            }
        });
        password.selectAll();
        return area;
    }

    @Override
    protected void createButtonsForButtonBar(Composite parent) {
        createButton(parent, IDialogConstants.OK_ID, IDialogConstants.CLOSE_LABEL, true);
    }
}
