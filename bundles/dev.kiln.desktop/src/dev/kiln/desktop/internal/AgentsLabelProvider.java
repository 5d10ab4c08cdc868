package dev.kiln.desktop.internal;

import java.util.stream.Collectors;

import org.eclipse.jface.viewers.ITableLabelProvider;
import org.eclipse.jface.viewers.LabelProvider;
import org.eclipse.swt.graphics.Image;

import dev.kiln.desktop.model.Agent;
import dev.kiln.desktop.model.Build;
import dev.kiln.desktop.model.BuildState;

/** The cells of the agent table: name, status, systems, tags, running builds, last seen, load. */
final class AgentsLabelProvider extends LabelProvider implements ITableLabelProvider {

    static final String[] COLUMNS = {Messages.COLUMN_AGENT_NAME, Messages.COLUMN_STATUS, Messages.COLUMN_SYSTEMS,
        Messages.COLUMN_TAGS, Messages.COLUMN_RUNNING, Messages.COLUMN_LAST_SEEN, Messages.COLUMN_LOAD};

    private final Images images;

    AgentsLabelProvider(Images images) {
        this.images = images;
    }

    /** How many builds it holds, and their names. */
    static String running(Agent agent) {
        return agent.running() == 0 ? "0" : agent.running() + ": " + agent.builds().stream()
                .map(held -> Build.nameOf(held.derivation()) + (held.state() == BuildState.STARTED ? "" : " (allocated)"))
                .collect(Collectors.joining(", "));
    }

    @Override
    public Image getColumnImage(Object element, int columnIndex) {
        return columnIndex == 1 ? images.of(((Agent) element).status()) : null;
    }

    @Override
    public String getColumnText(Object element, int columnIndex) {
        Agent agent = (Agent) element;
        return switch (columnIndex) {
            case 0 -> agent.name();
            case 1 -> agent.status().id();
            case 2 -> String.join(", ", agent.systems());
            case 3 -> agent.tags().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                    .reduce((a, b) -> a + " " + b).orElse("");
            case 4 -> running(agent);
            case 5 -> agent.lastSeen() == null ? Messages.NEVER : Formats.time(agent.lastSeen());
            case 6 -> Double.isNaN(agent.load()) ? "" : String.format("%.2f", agent.load());
            default -> "";
        };
    }
}
