package dev.kiln.ci.internal;

import java.time.Duration;

/**
 * What one evaluation may use: a time past which it is killed, and a memory limit (the address space of each of its
 * processes, set with {@code ulimit -v}: it needs no privilege, where a cgroup of its own would need a delegated
 * cgroup v2 tree).
 *
 * @param time        how long it may run
 * @param memoryBytes how much memory each of its processes may map, 0 for no limit
 */
record EvaluationBudget(Duration time, long memoryBytes) {

    /** This budget with another time limit; null keeps this one's. */
    EvaluationBudget withTime(Duration otherTime) {
        return otherTime == null ? this : new EvaluationBudget(otherTime, memoryBytes);
    }

    boolean limitsMemory() {
        return memoryBytes > 0;
    }

    long memoryMiB() {
        return memoryBytes / (1024 * 1024);
    }
}
