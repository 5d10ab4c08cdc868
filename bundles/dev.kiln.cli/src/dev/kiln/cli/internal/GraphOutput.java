package dev.kiln.cli.internal;

import java.io.PrintWriter;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import dev.kiln.protocol.BuildGraphInfo;
import dev.kiln.protocol.BuildState;
import dev.kiln.protocol.GraphEdgeInfo;
import dev.kiln.protocol.GraphNodeInfo;
import dev.kiln.protocol.InputBuildInfo;
import dev.kiln.protocol.QueuePositionInfo;
import dev.kiln.protocol.QueuedAheadInfo;
import dev.kiln.protocol.WaitingInfo;
import dev.kiln.protocol.WaitingReasonInfo;

/** The text and Graphviz forms of why a build waits and of its graph. */
final class GraphOutput {

    /** The fill colour of a node in Graphviz by its build's state; a derivation without a build is white. */
    private static final Map<BuildState, String> COLOURS = Map.of(BuildState.SCHEDULED, "lightgrey",
            BuildState.ALLOCATED, "lightblue", BuildState.STARTED, "lightskyblue", BuildState.SUCCEEDED, "palegreen",
            BuildState.FAILED, "salmon", BuildState.CANCELED, "khaki", BuildState.DEPENDENCY_FAILED, "pink");

    private GraphOutput() {
    }

    /** The reasons, numbered, each with what it names: inputs, the builds that go first, the time. */
    static void waiting(PrintWriter out, WaitingInfo waiting) {
        if (waiting.reasons().isEmpty()) {
            out.printf("build %s is %s: it does not wait%n", waiting.build(), waiting.state());
            return;
        }
        out.printf("build %s is %s, because:%n", waiting.build(), waiting.state());
        int number = 1;
        for (WaitingReasonInfo reason : waiting.reasons()) {
            out.printf("%d. %s%n", number++, reason.detail());
            for (InputBuildInfo input : reason.inputs()) {
                out.printf("     %-17s %s  %s%n", input.state(), input.build(), input.derivation());
            }
            if (reason.queue() != null) {
                QueuePositionInfo queue = reason.queue();
                if (queue.shareGroup() != null) {
                    out.printf(Locale.ROOT, "     its share group %s: %d shares, %.0f s of build time over 24 hours%n",
                            queue.shareGroup(), queue.shares(), queue.usedSeconds());
                }
                for (QueuedAheadInfo ahead : queue.ahead()) {
                    out.printf("     before it (%s, priority %d): %s  %s%n", ahead.reason(), ahead.effectivePriority(),
                            ahead.build(), ahead.derivation());
                }
            }
        }
    }

    /** One line per node, nearest first, its depth indented; {@code *} marks the path that blocks the build. */
    static void graph(PrintWriter out, BuildGraphInfo graph) {
        out.printf("graph of build %s: %d derivations shown, %d left out%n", graph.build(), graph.nodes().size(),
                graph.omitted());
        for (GraphNodeInfo node : graph.nodes()) {
            out.printf("%s %4d  %-17s %-36s %s%s%n", node.blocking() ? "*" : " ", node.depth(),
                    node.state() == null ? "no build" : node.state(), node.build() == null ? "-" : node.build(),
                    node.derivation(), node.builtInputs() > 0 ? "  (+" + node.builtInputs() + " built)" : "");
        }
    }

    /** The graph for Graphviz's {@code dot}: inputs above their dependents, the blocking path in bold red. */
    static void dot(PrintWriter out, BuildGraphInfo graph) {
        out.println("digraph build {");
        out.println("  rankdir=BT;");
        out.println("  node [shape=box, style=filled, fontname=\"sans\"];");
        for (GraphNodeInfo node : graph.nodes()) {
            String label = name(node.derivation()) + "\\n" + (node.state() == null ? "no build" : node.state())
                    + (node.builtInputs() > 0 ? "\\n+" + node.builtInputs() + " built" : "");
            out.printf("  %s [label=%s, fillcolor=%s%s];%n", quote(node.derivation()), quote(label),
                    node.state() == null ? "white" : COLOURS.get(node.state()),
                    node.blocking() ? ", color=red, penwidth=3" : node.depth() == 0 ? ", penwidth=3" : "");
        }
        Set<String> blocking = new HashSet<>(graph.blockingPath());
        for (GraphEdgeInfo edge : graph.edges()) {
            boolean onPath = blocking.contains(edge.input()) && blocking.contains(edge.dependent());
            out.printf("  %s -> %s%s;%n", quote(edge.input()), quote(edge.dependent()),
                    onPath ? " [color=red, penwidth=3]" : "");
        }
        if (graph.omitted() > 0) {
            out.printf("  omitted [label=\"%d more not shown\", shape=note, fillcolor=white];%n", graph.omitted());
        }
        out.println("}");
    }

    /** A store path's name, without its directory, hash and {@code .drv}. */
    private static String name(String path) {
        String file = path.substring(path.lastIndexOf('/') + 1);
        file = file.endsWith(".drv") ? file.substring(0, file.length() - ".drv".length()) : file;
        int dash = file.indexOf('-');
        return dash > 0 ? file.substring(dash + 1) : file;
    }

    /** A Graphviz string; store paths hold no backslash, and labels carry Graphviz's own {@code \n}. */
    private static String quote(String text) {
        return "\"" + text.replace("\"", "\\\"") + "\"";
    }
}
