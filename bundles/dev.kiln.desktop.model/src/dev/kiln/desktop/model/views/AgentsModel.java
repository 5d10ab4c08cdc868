package dev.kiln.desktop.model.views;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import dev.kiln.desktop.model.FarmConnection;
import dev.kiln.desktop.model.FarmException;
import dev.kiln.protocol.AgentInfo;
import dev.kiln.protocol.AgentPlanInfo;
import dev.kiln.protocol.EventInfo;
import dev.kiln.protocol.EventType;

/**
 * The agents of one coordinator, with what each holds, and the allocation plan: the builds each may take next. An
 * event about an agent reads the agents again, one about a build the plan, in batches. Thread-safe; listeners hear
 * changes on background threads.
 */
public final class AgentsModel extends TopicModel implements FarmTopic {

    private static final Set<EventType> AGENT_EVENTS = EnumSet.of(EventType.AGENT_CREATED, EventType.AGENT_CHANGED,
            EventType.AGENT_LOST);

    private final FarmConnection connection;
    private final ConnectionSupervisor supervisor;
    private final Coalescer agentsRefresh;
    private final Coalescer planRefresh;
    private volatile List<AgentInfo> agents = List.of();
    private volatile List<AgentPlanInfo> plan = List.of();

    public AgentsModel(FarmConnection connection, Scheduler scheduler, ConnectionSupervisor supervisor) {
        this.connection = connection;
        this.supervisor = supervisor;
        this.agentsRefresh = new Coalescer(scheduler, BuildsModel.EVENT_COALESCING, () -> read(this::readAgents));
        this.planRefresh = new Coalescer(scheduler, BuildsModel.EVENT_COALESCING, () -> read(this::readPlan));
    }

    public List<AgentInfo> agents() {
        return agents;
    }

    public List<AgentPlanInfo> plan() {
        return plan;
    }

    @Override
    public void reload() throws FarmException {
        readAgents();
        readPlan();
    }

    @Override
    public void onEvent(EventInfo event) {
        if (event.build() != null) {
            planRefresh.request();
        }
        if (event.agent() != null || AGENT_EVENTS.contains(event.type())) {
            agentsRefresh.request();
        }
    }

    /** Reads the agents again, after an action changed them. */
    void readAgents() throws FarmException {
        agents = List.copyOf(connection.agents());
        fire();
    }

    private void readPlan() throws FarmException {
        plan = List.copyOf(connection.plan());
        fire();
    }

    private void read(Read read) {
        try {
            read.run();
        } catch (FarmException e) {
            supervisor.failed(e);
        }
    }

    /** A read of part of the topic. */
    @FunctionalInterface
    private interface Read {
        void run() throws FarmException;
    }
}
