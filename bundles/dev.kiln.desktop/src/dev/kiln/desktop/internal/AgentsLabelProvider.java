package dev.kiln.desktop.internal;

import org.eclipse.jface.viewers.ITableLabelProvider;
import org.eclipse.jface.viewers.LabelProvider;
import org.eclipse.swt.graphics.Image;

import dev.kiln.desktop.model.Agent;
import dev.kiln.desktop.model.views.AgentRow;

/** The cells of the agent table: name, status, systems, tags, running builds, last seen, load. */
final class AgentsLabelProvider extends LabelProvider implements ITableLabelProvider {

    static final String[] COLUMNS = {Messages.COLUMN_AGENT_NAME, Messages.COLUMN_STATUS, Messages.COLUMN_SYSTEMS,
        Messages.COLUMN_TAGS, Messages.COLUMN_RUNNING, Messages.COLUMN_LAST_SEEN, Messages.COLUMN_LOAD};

    private final Images images;

    AgentsLabelProvider(Images images) {
        this.images = images;
    }

    @Override
    public Image getColumnImage(Object element, int columnIndex) {
        return columnIndex == 1 ? images.of(((AgentRow) element).agent().status()) : null;
    }

    @Override
    public String getColumnText(Object element, int columnIndex) {
        AgentRow row = (AgentRow) element;
        Agent agent = row.agent();
        return switch (columnIndex) {
            case 0 -> agent.name();
            case 1 -> agent.status().id();
            case 2 -> String.join(", ", agent.systems());
            case 3 -> agent.tags().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                    .reduce((a, b) -> a + " " + b).orElse("");
            case 4 -> String.valueOf(row.running());
            case 5 -> agent.lastSeen() == null ? Messages.NEVER : Formats.time(agent.lastSeen());
            case 6 -> Double.isNaN(agent.load()) ? "" : String.format("%.2f", agent.load());
            default -> "";
        };
    }
}
