package dev.kiln.desktop.model.views;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import dev.kiln.protocol.BuildState;

/**
 * A build's dependency graph laid out in layers, inputs to the left of what needs them: each derivation's layer is
 * one more than its deepest input's (the longest path), so that every edge runs rightwards; within a layer, derivations
 * are ordered by the mean position of their neighbours, sweeping right then left a few times (the barycentre
 * heuristic), which untangles most crossings at linear cost a sweep. A few thousand derivations lay out in
 * milliseconds. Immutable.
 *
 * @param nodes   in layer order, then top to bottom
 * @param edges   between indexes of {@code nodes}
 * @param layers  how many layers
 * @param height  the most derivations in one layer
 * @param omitted derivations the coordinator left out of the graph to bound it
 */
public record GraphLayout(List<Node> nodes, List<Edge> edges, int layers, int height, int omitted) {

    /** How many times the ordering sweeps right and left. */
    private static final int SWEEPS = 4;

    public GraphLayout {
        nodes = List.copyOf(nodes);
        edges = List.copyOf(edges);
    }

    /**
     * A derivation of the graph, where it is drawn.
     *
     * @param build       the build that decides its state, or {@code null} when the coordinator has none
     * @param state       that build's state, or {@code null}
     * @param builtInputs its inputs already built, collapsed into it
     * @param blocking    whether it lies on the path that holds up the build the graph is about
     * @param root        whether it is the derivation of the build the graph is about
     * @param layer       its column, 0 for the leftmost
     * @param row         its place in the column, 0 for the top
     */
    public record Node(String derivation, UUID build, BuildState state, int builtInputs, boolean blocking,
            boolean root, int layer, int row) {

        public String name() {
            return Builds.nameOf(derivation);
        }
    }

    /** {@code dependent} needs an output of {@code input}; both are indexes of {@link #nodes()}. */
    public record Edge(int input, int dependent, boolean blocking) {
    }

    /** A derivation as the coordinator gives it, before it is placed. */
    public record Vertex(String derivation, UUID build, BuildState state, int builtInputs, boolean blocking,
            boolean root) {
    }

    /** An edge as the coordinator gives it: {@code dependent} needs an output of {@code input}. */
    public record Link(String input, String dependent) {
    }

    /** Lays out the vertices; links to derivations not among them are left out. */
    public static GraphLayout of(List<Vertex> vertices, List<Link> links, int omitted) {
        int count = vertices.size();
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < count; i++) {
            index.put(vertices.get(i).derivation(), i);
        }
        List<List<Integer>> inputs = lists(count);
        List<List<Integer>> dependents = lists(count);
        List<int[]> kept = new ArrayList<>();
        for (Link link : links) {
            Integer input = index.get(link.input());
            Integer dependent = index.get(link.dependent());
            if (input != null && dependent != null && !input.equals(dependent)) {
                inputs.get(dependent).add(input);
                dependents.get(input).add(dependent);
                kept.add(new int[] {input, dependent});
            }
        }
        int[] layer = layers(inputs, dependents);
        int layerCount = Arrays.stream(layer).max().orElse(-1) + 1;
        List<List<Integer>> columns = lists(layerCount);
        for (int i = 0; i < count; i++) {
            columns.get(layer[i]).add(i);
        }
        // A stable first order (by name) so that the same graph always looks the same.
        for (List<Integer> column : columns) {
            column.sort(Comparator.comparing(i -> vertices.get(i).derivation()));
        }
        int[] row = new int[count];
        number(columns, row);
        for (int sweep = 0; sweep < SWEEPS; sweep++) {
            for (int l = 1; l < layerCount; l++) {
                order(columns.get(l), inputs, row);
            }
            for (int l = layerCount - 2; l >= 0; l--) {
                order(columns.get(l), dependents, row);
            }
        }
        int[] position = new int[count];
        List<Node> nodes = new ArrayList<>(count);
        int height = 0;
        for (List<Integer> column : columns) {
            height = Math.max(height, column.size());
            for (int r = 0; r < column.size(); r++) {
                int i = column.get(r);
                Vertex vertex = vertices.get(i);
                position[i] = nodes.size();
                nodes.add(new Node(vertex.derivation(), vertex.build(), vertex.state(), vertex.builtInputs(),
                        vertex.blocking(), vertex.root(), layer[i], r));
            }
        }
        List<Edge> edges = new ArrayList<>(kept.size());
        for (int[] edge : kept) {
            edges.add(new Edge(position[edge[0]], position[edge[1]],
                    vertices.get(edge[0]).blocking() && vertices.get(edge[1]).blocking()));
        }
        return new GraphLayout(nodes, edges, layerCount, height, omitted);
    }

    /** Longest path from the inputs that need nothing: Kahn's order, each layer one past its deepest input's. */
    private static int[] layers(List<List<Integer>> inputs, List<List<Integer>> dependents) {
        int count = inputs.size();
        int[] layer = new int[count];
        int[] waiting = new int[count];
        ArrayList<Integer> ready = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            waiting[i] = inputs.get(i).size();
            if (waiting[i] == 0) {
                ready.add(i);
            }
        }
        // Derivations form no cycle; were the coordinator to claim one, its nodes would simply stay in layer 0.
        for (int next = 0; next < ready.size(); next++) {
            int node = ready.get(next);
            for (int dependent : dependents.get(node)) {
                layer[dependent] = Math.max(layer[dependent], layer[node] + 1);
                if (--waiting[dependent] == 0) {
                    ready.add(dependent);
                }
            }
        }
        return layer;
    }

    /** Orders a column by the mean row of each node's neighbours in the column before; a node without stays put. */
    private static void order(List<Integer> column, List<List<Integer>> neighbours, int[] row) {
        Map<Integer, Double> weight = new HashMap<>();
        for (int node : column) {
            List<Integer> around = neighbours.get(node);
            weight.put(node, around.isEmpty() ? row[node]
                    : around.stream().mapToInt(neighbour -> row[neighbour]).average().orElse(row[node]));
        }
        column.sort(Comparator.comparingDouble(weight::get));
        for (int r = 0; r < column.size(); r++) {
            row[column.get(r)] = r;
        }
    }

    private static void number(List<List<Integer>> columns, int[] row) {
        for (List<Integer> column : columns) {
            for (int r = 0; r < column.size(); r++) {
                row[column.get(r)] = r;
            }
        }
    }

    private static List<List<Integer>> lists(int count) {
        List<List<Integer>> lists = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            lists.add(new ArrayList<>());
        }
        return lists;
    }

    /** The node of the build the graph is about, or {@code null}. */
    public Node root() {
        return nodes.stream().filter(Node::root).findFirst().orElse(null);
    }

    /** The nodes on the blocking path. */
    public List<Node> blockingPath() {
        return nodes.stream().filter(Node::blocking).toList();
    }
}
