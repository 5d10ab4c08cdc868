package dev.kiln.desktop.internal;

import org.eclipse.swt.widgets.Widget;

/** Names set on widgets with {@link Widget#setData(String, Object)}, so that tests and tools can find them. */
final class WidgetIds {

    static final String KEY = "kiln.id";

    static final String CONNECTION_STATE = "connection.state";
    static final String TABS = "tabs";
    static final String OVERVIEW_COUNTS = "overview.counts";
    static final String OVERVIEW_AGENTS = "overview.agents";
    static final String OVERVIEW_QUEUE = "overview.queue";
    static final String OVERVIEW_HOOKS = "overview.hooks";
    static final String OVERVIEW_EMPTY = "overview.empty";
    static final String OVERVIEW_CHART = "overview.chart";
    static final String BUILDS_TABLE = "builds.table";
    static final String BUILDS_COUNT = "builds.count";
    static final String BUILDS_STATE_FILTER = "builds.filter.state";
    static final String BUILDS_SYSTEM_FILTER = "builds.filter.system";
    static final String BUILDS_TAG_FILTER = "builds.filter.tag";
    static final String BUILDS_TEXT_FILTER = "builds.filter.text";
    static final String DETAILS_HEADER = "details.header";
    static final String DETAILS_TIMELINE = "details.timeline";
    static final String DETAILS_DERIVATION = "details.derivation";
    static final String DETAILS_OUTPUTS = "details.outputs";
    static final String DETAILS_LOG = "details.log";
    static final String TIMELINE_CHART = "timeline.chart";
    static final String TIMELINE_STATUS = "timeline.status";
    static final String GRAPH_CANVAS = "graph.canvas";
    static final String GRAPH_STATUS = "graph.status";
    static final String DETAILS_WAITING = "details.waiting";
    static final String AGENTS_TABLE = "agents.table";
    static final String PLAN_TREE = "plan.tree";
    static final String HOOKS_TABLE = "hooks.table";
    static final String JOBSETS_TABLE = "jobsets.table";
    static final String JOBSETS_EMPTY = "jobsets.empty";
    static final String EVALUATIONS_TITLE = "evaluations.title";
    static final String EVALUATIONS_TABLE = "evaluations.table";
    static final String EVALUATION_LOG = "evaluation.log";
    static final String JOBSET_NAME = "jobset.name";
    static final String JOBSET_CHANNELS = "jobset.channels";
    static final String JOBSET_COMMAND = "jobset.command";
    static final String JOBSET_STORE_DIR = "jobset.storeDir";
    static final String JOBSET_STORE_ROOT = "jobset.storeRoot";
    static final String JOBSET_PERIOD = "jobset.period";
    static final String JOBSET_PRIORITY = "jobset.priority";
    static final String JOBSET_TAGS = "jobset.tags";
    static final String JOBSET_MAX_BUILDS = "jobset.maxBuilds";
    static final String JOBSET_ENABLED = "jobset.enabled";
    static final String JOBSET_SUPERSEDE = "jobset.supersede";
    static final String PASSWORD_TEXT = "password.text";
    static final String CONNECT_TOKEN = "connect.token";
    static final String AGENT_NAME = "agent.name";
    static final String AGENT_DESCRIPTION = "agent.description";
    static final String AGENT_SYSTEMS = "agent.systems";
    static final String AGENT_TAGS = "agent.tags";
    static final String SUBMIT_FILES = "submit.files";
    static final String SUBMIT_PRIORITY = "submit.priority";
    static final String SUBMIT_TAGS = "submit.tags";

    private WidgetIds() {
    }

    static <W extends Widget> W name(W widget, String id) {
        widget.setData(KEY, id);
        return widget;
    }
}
