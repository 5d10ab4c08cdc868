package dev.kiln.transport.jetty.internal;

import dev.kiln.api.AgentBuildService;
import dev.kiln.api.AgentService;
import dev.kiln.api.AllocationPlanService;
import dev.kiln.api.BuildGraphService;
import dev.kiln.api.BuildService;
import dev.kiln.api.DerivationService;
import dev.kiln.api.EventService;
import dev.kiln.cache.BinaryCache;
import dev.kiln.cache.BuildLogs;

/** The coordinator's services the handlers use. */
record Services(BuildService builds, BuildGraphService graphs, AgentBuildService agentBuilds, AgentService agents,
        DerivationService derivations, AllocationPlanService plans, EventService events, BinaryCache cache,
        BuildLogs logs) {
}
