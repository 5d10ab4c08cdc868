package dev.kiln.desktop.internal;

import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.eclipse.jface.layout.GridDataFactory;
import org.eclipse.swt.SWT;
import org.eclipse.swt.widgets.Button;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Shell;
import org.eclipse.swt.widgets.Text;

import dev.kiln.desktop.model.views.Inputs;
import dev.kiln.desktop.model.views.Texts;
import dev.kiln.protocol.JobsetInfo;

/** Asks for everything a jobset is made of, to add one or change one (whose name stays). */
final class JobsetDialog extends FormDialog {

    private final JobsetInfo initial;
    private Text name;
    private Text channels;
    private Text command;
    private Text storeDir;
    private Text storeRoot;
    private Text period;
    private Text priority;
    private Text tags;
    private Text maxBuilds;
    private Button enabled;
    private Button supersede;
    private JobsetInfo result;

    /** @param initial the jobset to change, or {@code null} to add one */
    JobsetDialog(Shell parent, JobsetInfo initial) {
        super(parent, initial == null ? Messages.JOBSET_ADD_TITLE
                : String.format(Messages.JOBSET_CHANGE_TITLE, initial.name()), Messages.JOBSET_MESSAGE);
        this.initial = initial;
    }

    JobsetInfo result() {
        return result;
    }

    @Override
    void createFields(Composite form) {
        JobsetInfo shown = initial != null ? initial : new JobsetInfo("", List.of(), "", "/nix/store", null, 0, 0,
                Map.of(), true, null, false);
        name = field(form, Messages.JOBSET_NAME, shown.name(), SWT.NONE, WidgetIds.JOBSET_NAME);
        name.setEditable(initial == null);
        channels = field(form, Messages.JOBSET_CHANNELS, Inputs.channelLines(shown.channels()),
                SWT.MULTI | SWT.V_SCROLL, WidgetIds.JOBSET_CHANNELS);
        channels.setMessage(Messages.JOBSET_CHANNELS_HINT);
        GridDataFactory.fillDefaults().grab(true, false).hint(380, 3 * channels.getLineHeight() + 6).applyTo(channels);
        command = field(form, Messages.JOBSET_COMMAND, shown.evaluationCommand(), SWT.NONE, WidgetIds.JOBSET_COMMAND);
        storeDir = field(form, Messages.JOBSET_STORE_DIR, shown.storeDir(), SWT.NONE, WidgetIds.JOBSET_STORE_DIR);
        storeRoot = field(form, Messages.JOBSET_STORE_ROOT, Objects.toString(shown.storeRoot(), ""), SWT.NONE, WidgetIds.JOBSET_STORE_ROOT);
        period = field(form, Messages.JOBSET_PERIOD, String.valueOf(shown.periodSeconds()), SWT.NONE,
                WidgetIds.JOBSET_PERIOD);
        priority = field(form, Messages.JOBSET_PRIORITY, String.valueOf(shown.priority()), SWT.NONE,
                WidgetIds.JOBSET_PRIORITY);
        tags = field(form, Messages.JOBSET_TAGS, Texts.tags(shown.tags()), SWT.NONE, WidgetIds.JOBSET_TAGS);
        maxBuilds = field(form, Messages.JOBSET_MAX_BUILDS, shown.maxBuildsPerEvaluation() == null ? ""
                : String.valueOf(shown.maxBuildsPerEvaluation()), SWT.NONE, WidgetIds.JOBSET_MAX_BUILDS);
        maxBuilds.setMessage(Messages.JOBSET_MAX_BUILDS_HINT);
        enabled = checkbox(form, Messages.JOBSET_ENABLED, Texts.enabled(shown), WidgetIds.JOBSET_ENABLED);
        supersede = checkbox(form, Messages.JOBSET_SUPERSEDE, shown.supersede(), WidgetIds.JOBSET_SUPERSEDE);
    }

    @Override
    void accept() {
        if (name.getText().isBlank()) {
            throw new IllegalArgumentException(Messages.JOBSET_NO_NAME);
        }
        if (command.getText().isBlank()) {
            throw new IllegalArgumentException(Messages.JOBSET_NO_COMMAND);
        }
        if (storeDir.getText().isBlank()) {
            throw new IllegalArgumentException(Messages.JOBSET_NO_STORE_DIR);
        }
        result = new JobsetInfo(name.getText().strip(), Inputs.channels(channels.getText()), command.getText().strip(),
                storeDir.getText().strip(), storeRoot.getText().isBlank() ? null : storeRoot.getText().strip(),
                Inputs.period(period.getText()).toSeconds(),
                Inputs.priority(priority.getText()), Inputs.tags(tags.getText()), enabled.getSelection(),
                Inputs.limit(maxBuilds.getText()), supersede.getSelection());
    }

    private static Button checkbox(Composite form, String text, boolean checked, String id) {
        new Label(form, SWT.NONE);
        Button box = WidgetIds.name(new Button(form, SWT.CHECK), id);
        box.setText(text);
        box.setSelection(checked);
        return box;
    }
}
