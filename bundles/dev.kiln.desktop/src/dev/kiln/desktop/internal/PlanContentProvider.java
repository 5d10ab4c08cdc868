package dev.kiln.desktop.internal;

import java.util.List;

import org.eclipse.jface.viewers.ITreeContentProvider;

import dev.kiln.protocol.AgentPlanInfo;

/** The plan as a tree: agents, and under each the builds it may take, best first. */
final class PlanContentProvider implements ITreeContentProvider {

    @Override
    public Object[] getElements(Object input) {
        return ((List<?>) input).toArray();
    }

    @Override
    public Object[] getChildren(Object parent) {
        return parent instanceof AgentPlanInfo plan ? plan.builds().toArray() : new Object[0];
    }

    @Override
    public Object getParent(Object element) {
        return null;
    }

    @Override
    public boolean hasChildren(Object element) {
        return element instanceof AgentPlanInfo plan && !plan.builds().isEmpty();
    }
}
