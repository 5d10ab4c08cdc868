package dev.kiln.desktop.internal;

import java.util.stream.Collectors;

import org.eclipse.jface.viewers.ITableLabelProvider;
import org.eclipse.jface.viewers.LabelProvider;
import org.eclipse.swt.graphics.Image;

import dev.kiln.desktop.model.views.Builds;
import dev.kiln.desktop.model.views.Texts;
import dev.kiln.protocol.AgentInfo;
import dev.kiln.protocol.BuildState;

/** The cells of the agent table: name, status, systems, tags, running builds, last seen, load. */
final class AgentsLabelProvider extends LabelProvider implements ITableLabelProvider {

    static final String[] COLUMNS = {Messages.COLUMN_AGENT_NAME, Messages.COLUMN_STATUS, Messages.COLUMN_SYSTEMS,
        Messages.COLUMN_TAGS, Messages.COLUMN_RUNNING, Messages.COLUMN_LAST_SEEN, Messages.COLUMN_LOAD};

    private final Images images;

    AgentsLabelProvider(Images images) {
        this.images = images;
    }

    /** How many builds it holds, and their names. */
    static String running(AgentInfo agent) {
        return agent.builds().isEmpty() ? "0" : agent.builds().size() + ": " + agent.builds().stream()
                .map(held -> Builds.nameOf(held.derivation()) + (held.state() == BuildState.STARTED ? "" : " (allocated)"))
                .collect(Collectors.joining(", "));
    }

    @Override
    public Image getColumnImage(Object element, int columnIndex) {
        return columnIndex == 1 ? images.of(((AgentInfo) element).status()) : null;
    }

    @Override
    public String getColumnText(Object element, int columnIndex) {
        AgentInfo agent = (AgentInfo) element;
        return switch (columnIndex) {
            case 0 -> agent.name();
            case 1 -> agent.status().toString();
            case 2 -> String.join(", ", agent.systems());
            case 3 -> Texts.tags(agent.tags());
            case 4 -> running(agent);
            case 5 -> agent.lastSeen() == null ? Messages.NEVER : Formats.time(agent.lastSeen());
            case 6 -> agent.load() == null ? "" : String.format("%.2f", agent.load());
            default -> "";
        };
    }
}
