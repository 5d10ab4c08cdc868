package dev.kiln.desktop.internal;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

import org.eclipse.jface.layout.GridDataFactory;
import org.eclipse.jface.layout.GridLayoutFactory;
import org.eclipse.swt.SWT;
import org.eclipse.swt.custom.CTabFolder;
import org.eclipse.swt.custom.CTabItem;
import org.eclipse.swt.custom.StyledText;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Table;
import org.eclipse.swt.widgets.TableColumn;
import org.eclipse.swt.widgets.TableItem;
import org.eclipse.swt.widgets.Tree;
import org.eclipse.swt.widgets.TreeItem;

import dev.kiln.desktop.model.FarmException;
import dev.kiln.desktop.model.views.BuildDetails;
import dev.kiln.desktop.model.views.BuildDetailsModel;
import dev.kiln.desktop.model.views.FarmSession;
import dev.kiln.desktop.model.views.LogModel;
import dev.kiln.desktop.model.views.TimelineEntry;
import dev.kiln.desktop.model.views.WaitingLine;
import dev.kiln.protocol.BuildInfo;
import dev.kiln.protocol.DerivationInfo;
import dev.kiln.protocol.OutputInfo;

/** The selected build: its timeline, derivation, outputs and log (followed while it runs). */
final class BuildDetailsView {

    /** The log view keeps this many characters, dropping the oldest, so that a huge log cannot exhaust memory. */
    private static final int MAX_LOG_CHARS = 2_000_000;

    private final Composite root;
    private final Label header;
    private final Table timeline;
    private final Table waiting;
    private final Tree derivation;
    private final Table outputs;
    private final StyledText log;
    private BuildDetailsModel detailsModel;
    private LogModel logModel;
    private BuildInfo shown;
    /** A build asked for by its id alone, shown once its details arrive. */
    private UUID pending;

    BuildDetailsView(Composite parent) {
        root = new Composite(parent, SWT.NONE);
        GridLayoutFactory.fillDefaults().margins(6, 4).applyTo(root);
        header = WidgetIds.name(new Label(root, SWT.NONE), WidgetIds.DETAILS_HEADER);
        header.setText(Messages.DETAILS_NONE);
        GridDataFactory.fillDefaults().grab(true, false).applyTo(header);
        CTabFolder tabs = new CTabFolder(root, SWT.BORDER | SWT.BOTTOM);
        GridDataFactory.fillDefaults().grab(true, true).applyTo(tabs);

        timeline = table(tabs, Messages.DETAILS_TIMELINE, WidgetIds.DETAILS_TIMELINE,
                new String[] {Messages.COLUMN_TIME, Messages.COLUMN_STEP, Messages.COLUMN_DETAIL}, new int[] {160, 150, 400});
        waiting = table(tabs, Messages.DETAILS_WAITING, WidgetIds.DETAILS_WAITING,
                new String[] {Messages.COLUMN_REASON, Messages.COLUMN_DETAIL}, new int[] {190, 620});
        CTabItem derivationTab = new CTabItem(tabs, SWT.NONE);
        derivationTab.setText(Messages.DETAILS_DERIVATION);
        derivation = WidgetIds.name(new Tree(tabs, SWT.NONE), WidgetIds.DETAILS_DERIVATION);
        derivationTab.setControl(derivation);
        outputs = table(tabs, Messages.DETAILS_OUTPUTS, WidgetIds.DETAILS_OUTPUTS, new String[] {Messages.COLUMN_OUTPUT,
            Messages.COLUMN_PATH, Messages.COLUMN_NAR_HASH, Messages.COLUMN_NAR_SIZE}, new int[] {70, 380, 300, 90});
        CTabItem logTab = new CTabItem(tabs, SWT.NONE);
        logTab.setText(Messages.DETAILS_LOG);
        log = WidgetIds.name(new StyledText(tabs, SWT.READ_ONLY | SWT.V_SCROLL | SWT.H_SCROLL), WidgetIds.DETAILS_LOG);
        log.setFont(org.eclipse.jface.resource.JFaceResources.getTextFont());
        logTab.setControl(log);
        tabs.setSelection(0);
        root.addDisposeListener(e -> {
            if (logModel != null) {
                logModel.close();
            }
        });
    }

    /** Display thread. */
    void setSession(FarmSession session) {
        if (logModel != null) {
            logModel.close();
        }
        detailsModel = session.buildDetails(loaded -> UiUpdates.run(root, () -> showDetails(loaded)));
        logModel = session.log(new LogView());
        shown = null;
        header.setText(Messages.DETAILS_NONE);
    }

    /** The build shown, or {@code null}. */
    UUID shownBuild() {
        return shown == null ? null : shown.id();
    }

    /** Display thread. */
    void show(BuildInfo build) {
        if (detailsModel == null) {
            return;
        }
        shown = build;
        pending = null;
        showHeader(build);
        detailsModel.show(build.id());
        logModel.show(build);
    }

    /** Shows a build the session does not hold, once the coordinator told its details. Display thread. */
    void showById(UUID id) {
        if (detailsModel == null) {
            return;
        }
        pending = id;
        detailsModel.show(id);
    }

    /** Shows a newer copy of the build shown, when its state changed. */
    void refreshIfChanged(BuildInfo latest) {
        if (shown != null && latest.id().equals(shown.id()) && !latest.equals(shown)) {
            boolean stateChanged = latest.state() != shown.state();
            shown = latest;
            showHeader(latest);
            detailsModel.show(latest.id());
            if (stateChanged && latest.state().isFinal()) {
                logModel.show(latest);
            }
        }
    }

    private void showHeader(BuildInfo build) {
        header.setText(String.format(Messages.DETAILS_HEADER, build.state().toString(), build.derivation(), build.id()));
    }

    private void showDetails(BuildDetails loaded) {
        if (loaded.build().id().equals(pending)) {
            pending = null;
            shown = loaded.build();
            showHeader(shown);
            logModel.show(shown);
        }
        if (shown == null || !loaded.build().id().equals(shown.id())) {
            return;
        }
        timeline.removeAll();
        for (TimelineEntry entry : loaded.timeline()) {
            row(timeline, Formats.time(entry.time()), entry.step(), entry.detail());
        }
        waiting.removeAll();
        for (WaitingLine line : loaded.waiting()) {
            row(waiting, line.reason(), line.detail());
        }
        if (loaded.waiting().isEmpty()) {
            row(waiting, "", Messages.DETAILS_NOT_WAITING);
        }
        outputs.removeAll();
        for (OutputInfo output : loaded.build().outputs()) {
            row(outputs, output.name(), output.path(), output.narHash() == null ? "" : output.narHash(),
                    output.narHash() == null ? "" : Formats.bytes(output.narSize()));
        }
        derivation.removeAll();
        DerivationInfo drv = loaded.derivation();
        if (drv == null) {
            new TreeItem(derivation, SWT.NONE).setText(String.format(Messages.DERIVATION_UNAVAILABLE, loaded.problem()));
            return;
        }
        TreeItem outs = node(derivation, Messages.DERIVATION_OUTPUTS);
        drv.outputs().forEach((name, output) -> leaf(outs, name + "  " + Objects.toString(output.path(), "")));
        TreeItem inputs = node(derivation, Messages.DERIVATION_INPUT_DRVS);
        drv.inputDrvs().forEach((path, names) -> leaf(inputs, path + "  " + String.join(", ", names)));
        TreeItem sources = node(derivation, Messages.DERIVATION_INPUT_SRCS);
        drv.inputSrcs().forEach(path -> leaf(sources, path));
        TreeItem builder = node(derivation, Messages.DERIVATION_BUILDER);
        leaf(builder, drv.system());
        leaf(builder, drv.builder() + " " + String.join(" ", drv.args()));
        TreeItem env = node(derivation, Messages.DERIVATION_ENV);
        for (Map.Entry<String, String> variable : drv.env().entrySet()) {
            leaf(env, variable.getKey() + " = " + variable.getValue());
        }
        for (TreeItem item : List.of(outs, inputs, sources, builder)) {
            item.setExpanded(true);
        }
    }

    private static TreeItem node(Tree tree, String text) {
        TreeItem item = new TreeItem(tree, SWT.NONE);
        item.setText(text);
        return item;
    }

    private static void leaf(TreeItem parent, String text) {
        new TreeItem(parent, SWT.NONE).setText(text);
    }

    private static void row(Table table, String... cells) {
        new TableItem(table, SWT.NONE).setText(cells);
    }

    private static Table table(CTabFolder tabs, String title, String id, String[] columns, int[] widths) {
        CTabItem tab = new CTabItem(tabs, SWT.NONE);
        tab.setText(title);
        Table table = WidgetIds.name(new Table(tabs, SWT.FULL_SELECTION), id);
        table.setHeaderVisible(true);
        for (int i = 0; i < columns.length; i++) {
            TableColumn column = new TableColumn(table, SWT.NONE);
            column.setText(columns[i]);
            column.setWidth(widths[i]);
        }
        tab.setControl(table);
        return table;
    }

    /** Receives the log on background threads and appends it on the display thread. */
    private final class LogView implements LogModel.View {

        @Override
        public void reset(UUID build) {
            UiUpdates.run(log, () -> log.setText(""));
        }

        @Override
        public void append(UUID build, String text) {
            UiUpdates.run(log, () -> {
                if (shown != null && build.equals(shown.id())) {
                    appendLog(text);
                }
            });
        }

        @Override
        public void ended(UUID build, FarmException failure) {
            append(build, failure == null ? Messages.LOG_ENDED : String.format(Messages.LOG_FAILED, failure.getMessage()));
        }

        private void appendLog(String text) {
            boolean atEnd = log.getTopIndex() + visibleLines() >= log.getLineCount() - 1;
            log.append(text);
            int excess = log.getCharCount() - MAX_LOG_CHARS;
            if (excess > 0) {
                log.replaceTextRange(0, excess, "");
            }
            if (atEnd) {
                log.setTopIndex(log.getLineCount() - 1);
            }
        }

        private int visibleLines() {
            return Math.max(1, log.getClientArea().height / Math.max(1, log.getLineHeight()));
        }
    }
}
