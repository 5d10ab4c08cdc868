package dev.kiln.desktop.model.views;

import java.net.URI;
import java.util.function.Consumer;

import dev.kiln.desktop.model.FarmConnection;
import dev.kiln.retry.Backoff;

/**
 * What the desktop shows of one coordinator and does to it, put together: the {@link ConnectionSupervisor}, a model
 * for each topic (builds, agents and plan, hooks, jobsets) that it keeps current, the commands of each topic, and
 * the models of the views that read on demand (build pages, details, logs, evaluations). Views talk to these, never
 * to the connection. Thread-safe.
 */
public final class FarmSession implements AutoCloseable {

    private final FarmConnection connection;
    private final Scheduler scheduler;
    private final ConnectionSupervisor supervisor;
    private final BuildsModel builds;
    private final AgentsModel agents;
    private final HooksModel hooks;
    private final JobsetsModel jobsets;
    private final BuildCommands buildCommands;
    private final AgentCommands agentCommands;
    private final HookCommands hookCommands;
    private final JobsetCommands jobsetCommands;

    public FarmSession(FarmConnection connection, Scheduler scheduler, Backoff backoff) {
        this.connection = connection;
        this.scheduler = scheduler;
        supervisor = new ConnectionSupervisor(connection, scheduler, backoff);
        builds = new BuildsModel(connection, scheduler, supervisor);
        agents = new AgentsModel(connection, scheduler, supervisor);
        hooks = new HooksModel(connection);
        jobsets = new JobsetsModel(connection, scheduler, supervisor);
        for (FarmTopic topic : new FarmTopic[] {builds, agents, hooks, jobsets}) {
            supervisor.addTopic(topic);
        }
        buildCommands = new BuildCommands(connection, supervisor, builds);
        agentCommands = new AgentCommands(connection, supervisor, agents);
        hookCommands = new HookCommands(connection, supervisor, hooks);
        jobsetCommands = new JobsetCommands(connection, supervisor, jobsets);
    }

    public URI coordinator() {
        return supervisor.coordinator();
    }

    public ConnectionSupervisor supervisor() {
        return supervisor;
    }

    public BuildsModel builds() {
        return builds;
    }

    public AgentsModel agents() {
        return agents;
    }

    public HooksModel hooks() {
        return hooks;
    }

    public JobsetsModel jobsets() {
        return jobsets;
    }

    public BuildCommands buildCommands() {
        return buildCommands;
    }

    public AgentCommands agentCommands() {
        return agentCommands;
    }

    public HookCommands hookCommands() {
        return hookCommands;
    }

    public JobsetCommands jobsetCommands() {
        return jobsetCommands;
    }

    /** The build list as the coordinator filters, sorts and pages it; {@code listener} hears each page. */
    public BuildPages buildPages(Runnable listener) {
        return new BuildPages(connection, scheduler, listener);
    }

    /** Loads the details of the build shown into {@code view}. */
    public BuildDetailsModel buildDetails(Consumer<BuildDetails> view) {
        return new BuildDetailsModel(connection, scheduler, view);
    }

    /** Loads the dependency graph of the build shown into {@code view}, laid out. */
    public BuildGraphModel buildGraph(Consumer<BuildGraphModel.Graph> view) {
        return new BuildGraphModel(connection, scheduler, supervisor, view);
    }

    /** Shows the log of the build shown in {@code view}, following it while it runs. */
    public LogModel log(LogModel.View view) {
        return new LogModel(connection, scheduler, view);
    }

    /** Loads the evaluations of the jobset shown into {@code view}. */
    public EvaluationsModel evaluations(Consumer<EvaluationsModel.Evaluations> view) {
        return new EvaluationsModel(connection, scheduler, view);
    }

    /** Starts connecting. */
    public void start() {
        supervisor.start();
    }

    @Override
    public void close() {
        supervisor.close();
    }
}
