package dev.kiln.agent.internal;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import dev.kiln.execution.BuildRequest;
import dev.kiln.store.StoreDir;

/**
 * What the agent runs with, checked and parsed once from its command line.
 *
 * @param coordinator        the coordinator's agent API
 * @param systems            the systems it builds for
 * @param maxBuilds          its build slots
 * @param storeDir           the store directory of the derivations it builds
 * @param storeRoot          where that store's files are
 * @param stateDirectory     its state: valid path records, build directories, upload spool, held builds
 * @param substituters       the binary caches for inputs, the coordinator's first
 * @param trustedKeys        the keys ({@code name:base64}) whose signatures make a narinfo believed
 * @param nixManagesStore    whether the store is a Nix store that the executor hands builds to (the {@code nix}
 *                           executor): Nix gets the inputs itself, and the agent deletes no path there, since
 *                           Nix's database would still call it valid
 * @param sandbox            the sandbox for the native executor, or null
 * @param timeout            the longest a build may run, zero for no limit
 * @param maxSilent          the longest a build may be silent, zero for no limit
 * @param cores              {@code NIX_BUILD_CORES}
 * @param heartbeat          how often the agent says which builds it runs when it has no slot free
 * @param idlePoll           how long it waits before fetching again after getting nothing
 * @param stopTimeout        how long a graceful stop lets running builds finish before handing them back
 * @param retryDelay         the first delay before retrying a failed request
 * @param retryMax           the longest delay between attempts to reach the coordinator
 * @param features           the system features it offers with each fetch, and its speed
 * @param admission          when it takes no work
 */
record AgentSettings(
        URI coordinator,
        List<String> systems,
        int maxBuilds,
        StoreDir storeDir,
        Path storeRoot,
        Path stateDirectory,
        List<URI> substituters,
        List<String> trustedKeys,
        boolean nixManagesStore,
        BuildRequest.Sandbox sandbox,
        Duration timeout,
        Duration maxSilent,
        int cores,
        Duration heartbeat,
        Duration idlePoll,
        Duration stopTimeout,
        Duration retryDelay,
        Duration retryMax,
        Features features,
        Admission admission) {

    AgentSettings {
        systems = List.copyOf(systems);
        substituters = List.copyOf(substituters);
        trustedKeys = List.copyOf(trustedKeys);
    }

    /**
     * What the agent can build besides its systems.
     *
     * @param supported   the system features it supports ({@code kvm}, {@code big-parallel}...)
     * @param mandatory   the features it requires of every build it takes
     * @param speedFactor how fast it builds relative to other agents; the coordinator gives a faster agent a build
     *                    first
     */
    record Features(List<String> supported, List<String> mandatory, double speedFactor) {

        /** No features, speed factor 1. */
        static final Features NONE = new Features(List.of(), List.of(), 1);

        Features {
            supported = List.copyOf(supported);
            mandatory = List.copyOf(mandatory);
        }
    }

    /**
     * When the agent fetches no work.
     *
     * @param minFreeDisk the fewest free bytes its state directory and its store root may have; 0 for no minimum
     * @param maxLoad     the highest one-minute load average it takes work at; 0 for no maximum
     */
    record Admission(long minFreeDisk, double maxLoad) {

        /** Work at any load, whatever the free disk. */
        static final Admission ALWAYS = new Admission(0, 0);
    }

    Path buildsDirectory() {
        return stateDirectory.resolve("builds");
    }
}
