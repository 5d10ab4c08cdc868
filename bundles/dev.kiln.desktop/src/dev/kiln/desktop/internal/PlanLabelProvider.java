package dev.kiln.desktop.internal;

import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

import org.eclipse.jface.viewers.ITableLabelProvider;
import org.eclipse.jface.viewers.LabelProvider;
import org.eclipse.swt.graphics.Image;

import dev.kiln.protocol.AgentPlanInfo;
import dev.kiln.protocol.PlannedBuildInfo;

/** Agents by name with the size of their plan, and planned builds with their priority. */
final class PlanLabelProvider extends LabelProvider implements ITableLabelProvider {

    private final Supplier<Map<UUID, String>> agentNames;

    PlanLabelProvider(Supplier<Map<UUID, String>> agentNames) {
        this.agentNames = agentNames;
    }

    @Override
    public Image getColumnImage(Object element, int columnIndex) {
        return null;
    }

    @Override
    public String getColumnText(Object element, int columnIndex) {
        if (element instanceof AgentPlanInfo plan) {
            return columnIndex == 0 ? agentNames.get().getOrDefault(plan.agent(), plan.agent().toString())
                    : plan.builds().size() + " builds";
        }
        PlannedBuildInfo build = (PlannedBuildInfo) element;
        return columnIndex == 0 ? build.derivation() : "priority " + build.priority();
    }
}
