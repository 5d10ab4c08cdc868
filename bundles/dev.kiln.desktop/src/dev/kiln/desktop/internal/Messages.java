package dev.kiln.desktop.internal;

/** The strings the desktop client shows. */
final class Messages {

    static final String WINDOW_TITLE = "Kiln";
    static final String MENU_FILE = "&File";
    static final String MENU_BUILDS = "&Builds";
    static final String MENU_AGENTS = "&Agents";
    static final String MENU_JOBSETS = "&Jobsets";
    static final String MENU_VIEW = "&View";
    static final String ACTION_QUIT = "&Quit";
    static final String ACTION_CONNECT = "&Connect to a Coordinator…";
    static final String ACTION_RECONNECT = "&Reconnect and Refresh";
    static final String ACTION_SUBMIT = "&Submit Builds…";
    static final String ACTION_CANCEL = "&Cancel Selected Builds";
    static final String ACTION_RETRY = "&Retry Selected Builds";
    static final String ACTION_PRIORITY = "Change &Priority…";
    static final String ACTION_TAG = "&Tag Selected Builds…";
    static final String ACTION_FIND = "&Find Builds";
    static final String ACTION_NEW_AGENT = "&New Agent…";
    static final String ACTION_NEW_PASSWORD = "New &Password…";
    static final String ACTION_ACTIVATE = "&Activate";
    static final String ACTION_DEACTIVATE = "&Deactivate";
    static final String ACTION_INSTALL_HOOK = "&Install Hook Bundle…";
    static final String ACTION_REMOVE_HOOK = "&Remove Hook Bundle";
    static final String ACTION_ADD_JOBSET = "&Add Jobset…";
    static final String ACTION_CHANGE_JOBSET = "&Change Jobset…";
    static final String ACTION_ENABLE_JOBSET = "&Enable";
    static final String ACTION_DISABLE_JOBSET = "&Disable";
    static final String ACTION_EVALUATE = "E&valuate Now";
    static final String ACTION_REMOVE_JOBSET = "&Remove Jobset…";
    static final String ACTION_SHOW_GRAPH = "Show Build &Graph";
    static final String ACTION_RETRY_WITH_DEPENDENTS = "Retry &with Dependents";
    static final String ACTION_CANCEL_SUBGRAPH = "Cancel the &Subgraph";
    static final String ACTION_RAISE_INPUTS = "Raise the &Inputs' Priority…";
    static final String ACTION_OPEN_BUILD = "&Open the Build";
    static final String RAISE_INPUTS_TITLE = "Raise the Inputs' Priority";
    static final String RAISE_INPUTS_MESSAGE = "Priority for the inputs that %s waits for:";
    static final String CANCEL_SUBGRAPH_CONFIRM = "Cancel %s and every build not finished that needs it?";
    static final String NOTHING_IN_GRAPH = "Show a build's graph first (Ctrl+G on a selected build).";
    static final String NOTHING_TO_RETRY = "Nothing on the graph failed: there is nothing to retry.";
    static final String ACTION_ZOOM_IN = "Zoom &In";
    static final String ACTION_ZOOM_OUT = "Zoom &Out";
    static final String ACTION_CANCEL_EVALUATION = "Cancel the &Evaluation's Pending Builds…";

    static final String NO_DISPLAY = "kiln-desktop: no display found (DISPLAY and WAYLAND_DISPLAY are not set); "
            + "run it in a graphical session, or under xvfb-run";
    static final String DISPLAY_FAILED = "kiln-desktop: cannot open the display %s: %s";

    static final String TAB_OVERVIEW = "Overview";
    static final String TAB_BUILDS = "Builds";
    static final String TAB_AGENTS = "Agents";
    static final String TAB_PLAN = "Plan";
    static final String TAB_HOOKS = "Hooks";
    static final String TAB_JOBSETS = "Jobsets";
    static final String TAB_TIMELINE = "Timeline";
    static final String TAB_GRAPH = "Graph";

    static final String STATE_NOT_CONNECTED = "Not connected. Use File › Connect (Ctrl+O) to reach a coordinator.";
    static final String STATE_CONNECTING = "Connecting to %s…";
    static final String STATE_CONNECTED = "Connected to %s";
    static final String STATE_DOWN = "Coordinator %s is down (%s). Retrying at %s; F5 retries now.";
    static final String STATE_WRONG_TOKEN = "Coordinator %s refused the token (%s). Use File › Connect to give another.";
    static final String STATE_CLOSED = "Disconnected from %s";

    static final String OVERVIEW_BUILDS = "Builds";
    static final String OVERVIEW_AGENTS = "Agents";
    static final String OVERVIEW_AGENTS_LINE = "%d online, %d offline, %d inactive";
    static final String OVERVIEW_QUEUE = "Queue";
    static final String OVERVIEW_QUEUE_LINE = "%d builds waiting for an agent";
    static final String OVERVIEW_CHART = "Builds finished per minute, last hour";
    static final String OVERVIEW_HOOKS = "Failing hooks";
    static final String OVERVIEW_NO_FAILING_HOOKS = "none";
    static final String OVERVIEW_EMPTY = "This farm has no builds yet. Submit some with File › Submit Builds (Ctrl+N).";
    static final String OVERVIEW_LOADING = "Loading builds…";
    static final String OVERVIEW_HOOK_LINE = "%s: %d failures, %d queued — %s";

    static final String FILTER_ALL_STATES = "All states";
    static final String FILTER_ALL_SYSTEMS = "All systems";
    static final String FILTER_TAG = "tag or key=value";
    static final String FILTER_TEXT = "Search derivation, id, tags (Ctrl+F)";
    static final String BUILDS_COUNT = "%,d of %,d builds";
    static final String BUILDS_COUNT_RECENT = "%,d among the %,d most recent builds";

    static final String COLUMN_STATE = "State";
    static final String COLUMN_NAME = "Derivation";
    static final String COLUMN_SYSTEM = "System";
    static final String COLUMN_PRIORITY = "Priority";
    static final String COLUMN_TAGS = "Tags";
    static final String COLUMN_CREATED = "Submitted";
    static final String COLUMN_FINISHED = "Finished";
    static final String COLUMN_AGENT_NAME = "Name";
    static final String COLUMN_STATUS = "Status";
    static final String COLUMN_SYSTEMS = "Systems";
    static final String COLUMN_RUNNING = "Running";
    static final String COLUMN_LAST_SEEN = "Last seen";
    static final String COLUMN_LOAD = "Load";
    static final String COLUMN_HOOK = "Hook";
    static final String COLUMN_BUNDLE = "Bundle";
    static final String COLUMN_EVENTS = "Events";
    static final String COLUMN_QUEUED = "Queued";
    static final String COLUMN_FAILURES = "Failures";
    static final String COLUMN_LAST_FAILURE = "Last failure";
    static final String COLUMN_PLAN = "Agent / planned build";
    static final String COLUMN_TIME = "Time";
    static final String COLUMN_STEP = "Step";
    static final String COLUMN_DETAIL = "Detail";
    static final String COLUMN_OUTPUT = "Output";
    static final String COLUMN_PATH = "Path";
    static final String COLUMN_NAR_HASH = "NAR hash";
    static final String COLUMN_NAR_SIZE = "NAR size";

    static final String DETAILS_TIMELINE = "Timeline";
    static final String DETAILS_DERIVATION = "Derivation";
    static final String DETAILS_OUTPUTS = "Outputs";
    static final String DETAILS_LOG = "Log";
    static final String DETAILS_NONE = "Select a build to see its derivation, timeline, outputs and log.";
    static final String DETAILS_HEADER = "%s  ·  %s  ·  %s";
    static final String DERIVATION_OUTPUTS = "outputs";
    static final String DERIVATION_INPUT_DRVS = "input derivations";
    static final String DERIVATION_INPUT_SRCS = "input sources";
    static final String DERIVATION_BUILDER = "builder";
    static final String DERIVATION_ENV = "environment";
    static final String DERIVATION_UNAVAILABLE = "derivation unavailable: %s";
    static final String LOG_ENDED = "\n— end of log —\n";
    static final String LOG_FAILED = "\n— the log cannot be read: %s —\n";

    static final String AGENTS_EMPTY = "No agents yet. Create one with Agents › New Agent.";
    static final String PLAN_EMPTY = "No online agent has builds planned.";
    static final String HOOKS_EMPTY = "No hooks are running.";
    static final String NEVER = "never";
    static final String JOBSETS_EMPTY = "No jobsets yet. Add one with Jobsets › Add Jobset to build a git repository.";
    static final String JOBSETS_UNAVAILABLE = "This coordinator runs no jobsets: %s";
    static final String EVALUATIONS_NONE = "Select a jobset to see its evaluations.";
    static final String EVALUATIONS_OF = "Evaluations of %s (newest first; summaries of the newest %d)";
    static final String EVALUATIONS_EMPTY = "Jobset %s has not been evaluated yet: Evaluate Now (Ctrl+E) starts one.";
    static final String EVALUATIONS_FAILED = "The evaluations of %s cannot be read: %s";
    static final String EVALUATION_LOG_NONE = "Select an evaluation to see what its command printed.";
    static final String EVALUATION_LOG_EMPTY = "(the command printed nothing)";
    static final String EVALUATION_LOG_FAILED = "The log cannot be read: %s";
    static final String ON_DEMAND = "on demand";
    static final String YES = "yes";
    static final String NO = "no";
    static final String COLUMN_JOBSET = "Jobset";
    static final String COLUMN_CHANNELS = "Channels";
    static final String COLUMN_COMMAND = "Command";
    static final String COLUMN_PERIOD = "Period";
    static final String COLUMN_ENABLED = "Enabled";
    static final String COLUMN_LAST_EVALUATION = "Last evaluation";
    static final String COLUMN_EVALUATION = "Evaluation";
    static final String COLUMN_COMMITS = "Commits";
    static final String COLUMN_STARTED = "Started";
    static final String COLUMN_DERIVATIONS = "Derivations";
    static final String COLUMN_SUBMITTED = "Builds";
    static final String COLUMN_SUCCEEDED = "Succeeded";
    static final String COLUMN_FAILED = "Failed";
    static final String COLUMN_PENDING = "Pending";
    static final String COLUMN_CANCELED = "Canceled";
    static final String COLUMN_NEWLY_FAILING = "Newly failing";
    static final String COLUMN_ERROR = "Error";

    static final String CONNECT_TITLE = "Connect to a Coordinator";
    static final String CONNECT_MESSAGE = "The client API's URL, and a token unless the coordinator listens on loopback.";
    static final String CONNECT_URL = "&URL:";
    static final String CONNECT_TOKEN = "&Token:";

    static final String NEW_AGENT_TITLE = "New Agent";
    static final String NEW_AGENT_MESSAGE = "The coordinator shows the agent's password once.";
    static final String NEW_AGENT_NO_NAME = "An agent needs a name.";
    static final String NEW_AGENT_NAME = "&Name:";
    static final String NEW_AGENT_DESCRIPTION = "&Description:";
    static final String NEW_AGENT_SYSTEMS = "&Systems:";
    static final String NEW_AGENT_TAGS = "&Tags (key=value):";
    static final String PASSWORD_TITLE = "Agent Password";
    static final String PASSWORD_MESSAGE = "Copy the password of agent %s now: it is not shown again.";
    static final String PASSWORD_COPY = "&Copy";
    static final String NEW_PASSWORD_CONFIRM = "Give agent %s a new password? The old one stops working at once.";

    static final String SUBMIT_TITLE = "Submit Builds";
    static final String SUBMIT_MESSAGE = "Pick .drv files; the coordinator receives their closures.";
    static final String SUBMIT_ADD = "&Add .drv Files…";
    static final String SUBMIT_PRIORITY = "&Priority:";
    static final String SUBMIT_TAGS = "&Tags (key=value):";
    static final String SUBMIT_DONE = "Submitted %d derivations: %s";
    static final String SUBMIT_NO_FILES = "Add at least one .drv file.";

    static final String JOBSET_ADD_TITLE = "Add Jobset";
    static final String JOBSET_CHANGE_TITLE = "Change Jobset %s";
    static final String JOBSET_MESSAGE = "The command runs in the first channel's checkout and prints .drv paths; "
            + "each is built as soon as it is printed.";
    static final String JOBSET_NAME = "&Name:";
    static final String JOBSET_CHANNELS = "C&hannels:";
    static final String JOBSET_CHANNELS_HINT = "one a line: [name=]git-url [branch]";
    static final String JOBSET_COMMAND = "&Evaluation command:";
    static final String JOBSET_STORE_DIR = "&Store dir:";
    static final String JOBSET_STORE_ROOT = "Store &root (optional):";
    static final String JOBSET_PERIOD = "&Period (seconds, 0 on demand):";
    static final String JOBSET_PRIORITY = "P&riority:";
    static final String JOBSET_TAGS = "&Tags (key=value):";
    static final String JOBSET_MAX_BUILDS = "&Max builds per evaluation:";
    static final String JOBSET_MAX_BUILDS_HINT = "blank for the coordinator's default";
    static final String JOBSET_ENABLED = "Evaluate on its &period (enabled)";
    static final String JOBSET_SUPERSEDE = "A newer evaluation &cancels the pending builds of older ones";
    static final String JOBSET_NO_NAME = "A jobset needs a name.";
    static final String JOBSET_NO_COMMAND = "A jobset needs an evaluation command.";
    static final String JOBSET_NO_STORE_DIR = "A jobset needs the store dir of its derivations, for example /nix/store.";
    static final String REMOVE_JOBSET_CONFIRM = "Remove jobset %s? Its evaluations are forgotten; its builds stay.";
    static final String CANCEL_EVALUATION_CONFIRM = "Cancel the builds of evaluation %d that have not finished?";
    static final String CANCEL_EVALUATION_DONE = "Canceled %d builds of evaluation %d";
    static final String NO_JOBSET_SELECTED = "Select a jobset first.";
    static final String NO_EVALUATION_SELECTED = "Select an evaluation first.";

    static final String TAG_TITLE = "Tag Builds";
    static final String TAG_MESSAGE = "Tags for %d builds: key=value to set one, -key to remove one:";
    static final String PRIORITY_TITLE = "Change Priority";
    static final String PRIORITY_MESSAGE = "New priority for %d builds (higher builds sooner):";

    static final String ACTION_DONE = "%s: %d done";
    static final String ACTION_PARTLY = "%s: %d done, %d refused — %s";
    static final String ACTION_FAILED = "%s failed: %s";
    static final String NOTHING_SELECTED = "Select builds first.";
    static final String REMOVE_HOOK_CONFIRM = "Remove the hook bundle %s from the coordinator?";

    static final String TIMELINE_STATUS = "Last %s, %d builds. Arrows select, Enter opens, + and − zoom.";
    static final String TIMELINE_NO_AGENTS = "No agents yet: each agent slot gets a row here.";
    static final String TIMELINE_NOW = "now";
    static final String TIMELINE_TIP = "%s\n%s, %s – %s (%s)";
    static final String OFFLINE_NOTE = "Coordinator unreachable since %s: showing what was known; back by itself. ";


    static final String GRAPH_TIP = "%s\n%s; %d inputs built";
    static final String GRAPH_NO_BUILD = "no build";
    static final String GRAPH_BLOCKING = "on the path that holds the build up";
    static final String GRAPH_NONE = "Select a build and press Ctrl+G (Builds › Show Build Graph) to see its graph.";
    static final String GRAPH_LOADING = "Reading the graph…";
    static final String GRAPH_UNAVAILABLE = "The graph cannot be read: %s";
    static final String GRAPH_STATUS = "%s: %d derivations, %d layers; %d built inputs collapsed, %d left out."
            + " Red: what holds it up.";
    static final String GRAPH_STALE = "As read at %s (%s).";
    static final String DETAILS_WAITING = "Why It Waits";
    static final String DETAILS_NOT_WAITING = "It does not wait.";
    static final String COLUMN_REASON = "Reason";

    private Messages() {
    }
}
