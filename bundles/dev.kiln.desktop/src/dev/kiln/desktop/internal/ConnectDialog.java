package dev.kiln.desktop.internal;

import java.util.List;

import org.eclipse.jface.layout.GridDataFactory;
import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Combo;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Shell;
import org.eclipse.swt.widgets.Text;

import dev.kiln.desktop.model.views.Inputs;
import dev.kiln.desktop.model.views.SavedConnection;

/** Asks for a coordinator's URL and token, offering the remembered ones. */
final class ConnectDialog extends FormDialog {

    private final List<SavedConnection> saved;
    private Combo url;
    private Text token;
    private SavedConnection result;

    ConnectDialog(Shell parent, List<SavedConnection> saved) {
        super(parent, Messages.CONNECT_TITLE, Messages.CONNECT_MESSAGE);
        this.saved = saved;
    }

    SavedConnection result() {
        return result;
    }

    @Override
    void createFields(Composite form) {
        new Label(form, SWT.NONE).setText(Messages.CONNECT_URL);
        url = new Combo(form, SWT.DROP_DOWN);
        GridDataFactory.fillDefaults().grab(true, false).hint(380, SWT.DEFAULT).applyTo(url);
        saved.forEach(connection -> url.add(connection.coordinator().toString()));
        token = field(form, Messages.CONNECT_TOKEN, "", SWT.PASSWORD, WidgetIds.CONNECT_TOKEN);
        if (saved.isEmpty()) {
            url.setText("http://127.0.0.1:8746");
        } else {
            url.select(0);
            token.setText(saved.get(0).token());
        }
        url.addListener(SWT.Selection, e -> token.setText(saved.get(url.getSelectionIndex()).token()));
    }

    @Override
    void accept() {
        result = new SavedConnection(Inputs.coordinator(url.getText()), token.getText().strip());
    }
}
