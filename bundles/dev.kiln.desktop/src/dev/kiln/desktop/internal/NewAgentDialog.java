package dev.kiln.desktop.internal;

import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Shell;
import org.eclipse.swt.widgets.Text;

import dev.kiln.desktop.model.views.Inputs;
import dev.kiln.protocol.NewAgentBody;

/** Asks for the name, description, systems and tags of an agent to create. */
final class NewAgentDialog extends FormDialog {

    private Text name;
    private Text description;
    private Text systems;
    private Text tags;
    private NewAgentBody result;

    NewAgentDialog(Shell parent) {
        super(parent, Messages.NEW_AGENT_TITLE, Messages.NEW_AGENT_MESSAGE);
    }

    NewAgentBody result() {
        return result;
    }

    @Override
    void createFields(Composite form) {
        name = field(form, Messages.NEW_AGENT_NAME, "", SWT.NONE, WidgetIds.AGENT_NAME);
        description = field(form, Messages.NEW_AGENT_DESCRIPTION, "", SWT.NONE, WidgetIds.AGENT_DESCRIPTION);
        systems = field(form, Messages.NEW_AGENT_SYSTEMS, "x86_64-linux", SWT.NONE, WidgetIds.AGENT_SYSTEMS);
        tags = field(form, Messages.NEW_AGENT_TAGS, "", SWT.NONE, WidgetIds.AGENT_TAGS);
    }

    @Override
    void accept() {
        if (name.getText().isBlank()) {
            throw new IllegalArgumentException(Messages.NEW_AGENT_NO_NAME);
        }
        result = new NewAgentBody(name.getText().strip(), description.getText().strip(), Inputs.systems(systems.getText()),
                Inputs.tags(tags.getText()));
    }
}
