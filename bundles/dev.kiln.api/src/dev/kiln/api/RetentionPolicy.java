package dev.kiln.api;

import java.util.Optional;

/**
 * What the binary cache keeps, as the operator writes it down. A path is kept when one of the rules keeps it, together
 * with everything it refers to, directly or not (its closure); the paths a scheduled, allocated or started build needs
 * and those of builds tagged {@code keep=...} are always kept. The rest goes, except that under a storage limit the
 * most recently served of the rest stay while they fit.
 *
 * @param keepEvaluations   what the latest this many evaluations of each jobset built is kept; 0 for none
 * @param keepDays          what was stored within this many days is kept; 0 for none
 * @param storageLimitBytes the NARs are kept under this many bytes, the least recently served going first; 0 for no
 *                          limit, and then whatever no rule keeps goes
 */
public record RetentionPolicy(int keepEvaluations, int keepDays, long storageLimitBytes) {

    /** The tag whose builds' outputs are kept, whatever its value. */
    public static final String KEEP_TAG = "keep";

    public RetentionPolicy {
        if (keepEvaluations < 0 || keepDays < 0 || storageLimitBytes < 0) {
            throw new InvalidRequestException("the retention policy's numbers must not be negative");
        }
        if (keepEvaluations == 0 && keepDays == 0 && storageLimitBytes == 0) {
            throw new InvalidRequestException("the retention policy would keep nothing: give --keep-evaluations, "
                    + "--keep-days or --storage-limit above 0");
        }
    }

    /**
     * The policy of these settings, each null when not given; none when none is given (the cache keeps everything).
     *
     * @throws InvalidRequestException when a setting is negative or the policy would keep nothing
     */
    public static Optional<RetentionPolicy> of(Integer keepEvaluations, Integer keepDays, Long storageLimitBytes) {
        if (keepEvaluations == null && keepDays == null && storageLimitBytes == null) {
            return Optional.empty();
        }
        return Optional.of(new RetentionPolicy(keepEvaluations == null ? 0 : keepEvaluations,
                keepDays == null ? 0 : keepDays, storageLimitBytes == null ? 0 : storageLimitBytes));
    }
}
