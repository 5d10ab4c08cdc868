package dev.kiln.desktop.internal;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import org.eclipse.jface.layout.GridDataFactory;
import org.eclipse.jface.layout.GridLayoutFactory;
import org.eclipse.jface.viewers.TableViewer;
import org.eclipse.swt.SWT;
import org.eclipse.swt.custom.SashForm;
import org.eclipse.swt.widgets.Combo;
import org.eclipse.swt.widgets.Composite;
import org.eclipse.swt.widgets.Control;
import org.eclipse.swt.widgets.Label;
import org.eclipse.swt.widgets.Table;
import org.eclipse.swt.widgets.TableColumn;
import org.eclipse.swt.widgets.Text;

import dev.kiln.desktop.model.views.BuildColumn;
import dev.kiln.desktop.model.views.BuildListModel.Rows;
import dev.kiln.desktop.model.views.BuildListModel;
import dev.kiln.desktop.model.views.BuildListQuery;
import dev.kiln.desktop.model.views.BuildPages;
import dev.kiln.desktop.model.views.BuildRows;
import dev.kiln.desktop.model.views.FarmSession;
import dev.kiln.desktop.model.views.Scheduler;
import dev.kiln.protocol.BuildInfo;
import dev.kiln.protocol.BuildState;

/**
 * The build list: filters, the virtual table, and the details of the selected build below. The coordinator filters,
 * sorts and pages the list; a text search, or an order it does not know, runs here on the most recent builds.
 */
final class BuildsView {

    private static final String[] COLUMN_TITLES = {Messages.COLUMN_STATE, Messages.COLUMN_NAME, Messages.COLUMN_SYSTEM,
        Messages.COLUMN_PRIORITY, Messages.COLUMN_TAGS, Messages.COLUMN_CREATED, Messages.COLUMN_FINISHED};
    private static final int[] COLUMN_WIDTHS = {130, 330, 110, 70, 160, 150, 150};

    private final SashForm root;
    private final Combo stateFilter;
    private final Combo systemFilter;
    private final Combo tagFilter;
    private final Text textFilter;
    private final Label count;
    private final TableViewer viewer;
    private final BuildListModel model;
    private final BuildDetailsView details;
    private final UiUpdates updates;
    /** The rows the table shows now (display thread); the models may already hold newer ones. */
    private BuildRows shown;
    private volatile FarmSession session;
    /** The coordinator's listing of the current query, when it can serve it; {@code null} before a session. */
    private volatile BuildPages pages;

    BuildsView(Composite parent, Images images, Scheduler scheduler) {
        root = new SashForm(parent, SWT.VERTICAL);
        Composite top = new Composite(root, SWT.NONE);
        GridLayoutFactory.fillDefaults().margins(6, 6).numColumns(5).applyTo(top);

        stateFilter = WidgetIds.name(new Combo(top, SWT.READ_ONLY), WidgetIds.BUILDS_STATE_FILTER);
        stateFilter.add(Messages.FILTER_ALL_STATES);
        for (BuildState state : BuildState.values()) {
            stateFilter.add(state.toString());
        }
        stateFilter.select(0);
        systemFilter = WidgetIds.name(new Combo(top, SWT.READ_ONLY), WidgetIds.BUILDS_SYSTEM_FILTER);
        systemFilter.add(Messages.FILTER_ALL_SYSTEMS);
        systemFilter.select(0);
        tagFilter = WidgetIds.name(new Combo(top, SWT.DROP_DOWN), WidgetIds.BUILDS_TAG_FILTER);
        tagFilter.setToolTipText(Messages.FILTER_TAG);
        GridDataFactory.fillDefaults().hint(160, SWT.DEFAULT).applyTo(tagFilter);
        textFilter = WidgetIds.name(new Text(top, SWT.SEARCH | SWT.ICON_SEARCH | SWT.ICON_CANCEL), WidgetIds.BUILDS_TEXT_FILTER);
        textFilter.setMessage(Messages.FILTER_TEXT);
        GridDataFactory.fillDefaults().grab(true, false).applyTo(textFilter);
        count = WidgetIds.name(new Label(top, SWT.RIGHT), WidgetIds.BUILDS_COUNT);
        GridDataFactory.fillDefaults().hint(280, SWT.DEFAULT).applyTo(count);

        viewer = new TableViewer(top, SWT.VIRTUAL | SWT.MULTI | SWT.FULL_SELECTION | SWT.BORDER);
        Table table = WidgetIds.name(viewer.getTable(), WidgetIds.BUILDS_TABLE);
        table.setHeaderVisible(true);
        table.setLinesVisible(true);
        GridDataFactory.fillDefaults().span(5, 1).grab(true, true).applyTo(table);
        for (BuildColumn column : BuildColumn.values()) {
            TableColumn tableColumn = new TableColumn(table, SWT.NONE);
            tableColumn.setText(COLUMN_TITLES[column.ordinal()]);
            tableColumn.setWidth(COLUMN_WIDTHS[column.ordinal()]);
            tableColumn.setData(column);
            tableColumn.addListener(SWT.Selection, e -> sortBy(column));
        }

        model = new BuildListModel(() -> {
            FarmSession current = session;
            return current == null ? List.of() : current.builds().store().snapshot();
        }, scheduler, this::modelChanged);
        shown = model.rows();
        viewer.setUseHashlookup(true);
        viewer.setContentProvider(new BuildsContentProvider(viewer, () -> shown));
        viewer.setLabelProvider(new BuildsLabelProvider(images));
        viewer.setInput(model);

        details = new BuildDetailsView(root);
        root.setWeights(60, 40);
        updates = new UiUpdates(root, this::showRows);

        stateFilter.addListener(SWT.Selection, e -> setQuery(model.query().withStates(selectedStates())));
        systemFilter.addListener(SWT.Selection, e -> setQuery(model.query().withSystem(
                systemFilter.getSelectionIndex() <= 0 ? "" : systemFilter.getText())));
        tagFilter.addListener(SWT.Modify, e -> setQuery(model.query().withTag(tagFilter.getText())));
        textFilter.addListener(SWT.Modify, e -> setQuery(model.query().withText(textFilter.getText())));
        table.addListener(SWT.Selection, e -> showSelectedDetails());
        showRows();
    }

    Control control() {
        return root;
    }

    /** Shows {@code newSession} from now on; display thread. */
    void setSession(FarmSession newSession) {
        session = newSession;
        BuildPages listing = newSession.buildPages(this::modelChanged);
        pages = listing;
        details.setSession(newSession);
        newSession.builds().addListener(() -> {
            if (pages == listing) {
                model.refresh();
                if (model.query().servedByCoordinator()) {
                    listing.refresh();
                }
            }
        });
        setQuery(model.query());
    }

    /** The builds selected in the table; display thread. */
    List<BuildInfo> selection() {
        List<BuildInfo> selected = new ArrayList<>();
        for (int index : viewer.getTable().getSelectionIndices()) {
            BuildInfo build = shown.row(index);
            if (build != null) {
                selected.add(build);
            }
        }
        return selected;
    }

    /**
     * Shows a build's details and selects its row when the list shows it; a build the session does not hold is read
     * from the coordinator. Display thread.
     */
    void open(UUID id) {
        FarmSession current = session;
        if (current == null) {
            return;
        }
        int row = shown.indexOf(id);
        if (row >= 0) {
            viewer.getTable().setSelection(row);
            viewer.getTable().showSelection();
        } else {
            viewer.getTable().deselectAll();
        }
        BuildInfo known = current.builds().store().get(id);
        if (known != null) {
            details.show(known);
        } else {
            details.showById(id);
        }
    }

    void focusSearch() {
        textFilter.setFocus();
        textFilter.selectAll();
    }

    private void sortBy(BuildColumn column) {
        setQuery(model.query().sortedBy(column));
    }

    /** Lists the builds {@code query} selects, unless they are listed already (a combo refilled says so too). */
    private void setQuery(BuildListQuery query) {
        BuildPages listing = pages;
        boolean listed = listing == null || !query.servedByCoordinator() || query.equals(listing.query());
        if (query.equals(model.query()) && listed) {
            return;
        }
        model.setQuery(query);
        if (!listed) {
            listing.setQuery(query);
        }
    }

    /** The rows to show: the coordinator's listing when it serves the query, else the local one. */
    private BuildRows currentRows() {
        BuildPages listing = pages;
        BuildListQuery query = model.query();
        return listing != null && query.servedByCoordinator() && query.equals(listing.query()) ? listing
                : model.rows().query().equals(query) ? model.rows() : shown;
    }

    private Set<BuildState> selectedStates() {
        int index = stateFilter.getSelectionIndex();
        return index <= 0 ? Set.of() : EnumSet.of(BuildState.values()[index - 1]);
    }

    private void modelChanged() {
        updates.request();
    }

    private void showRows() {
        List<UUID> selected = selection().stream().map(BuildInfo::id).toList();
        UUID focused = details.shownBuild();
        BuildRows rows = currentRows();
        shown = rows;
        Table table = viewer.getTable();
        table.setRedraw(false);
        try {
            viewer.setItemCount(rows.size());
            table.clearAll();
            table.setSelection(selected.stream().mapToInt(rows::indexOf).filter(i -> i >= 0).toArray());
        } finally {
            table.setRedraw(true);
        }
        BuildListQuery query = model.query();
        table.setSortColumn(table.getColumn(query.sortBy().ordinal()));
        table.setSortDirection(query.ascending() ? SWT.UP : SWT.DOWN);
        count.setText(countText(rows));
        count.getParent().layout(new Control[] {count});
        updateSystems(model.rows());
        if (focused != null && rows.indexOf(focused) >= 0) {
            details.refreshIfChanged(rows.row(rows.indexOf(focused)));
        }
    }

    private String countText(BuildRows rows) {
        FarmSession current = session;
        if (rows instanceof BuildPages listing) {
            return !listing.problem().isEmpty() ? listing.problem()
                    : String.format(Messages.BUILDS_COUNT, listing.size(), current == null ? 0
                            : Math.max(current.builds().total(), listing.total()));
        }
        return current != null && !current.builds().listed() ? Messages.OVERVIEW_LOADING
                : String.format(Messages.BUILDS_COUNT_RECENT, rows.size(), model.rows().total());
    }

    private void updateSystems(Rows rows) {
        List<String> items = new ArrayList<>();
        items.add(Messages.FILTER_ALL_SYSTEMS);
        items.addAll(rows.systems());
        if (!items.equals(List.of(systemFilter.getItems()))) {
            String selected = systemFilter.getText();
            systemFilter.setItems(items.toArray(String[]::new));
            int index = items.indexOf(selected);
            systemFilter.select(Math.max(0, index));
        }
        List<String> tags = new ArrayList<>(rows.tagKeys());
        if (!tags.equals(List.of(tagFilter.getItems()))) {
            String typed = tagFilter.getText();
            tagFilter.setItems(tags.toArray(String[]::new));
            tagFilter.setText(typed);
        }
    }

    private void showSelectedDetails() {
        List<BuildInfo> selected = selection();
        if (selected.size() == 1) {
            details.show(selected.get(0));
        }
    }
}
