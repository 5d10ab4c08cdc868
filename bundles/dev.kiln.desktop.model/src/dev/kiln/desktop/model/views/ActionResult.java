package dev.kiln.desktop.model.views;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;

import dev.kiln.desktop.model.FarmException;

/**
 * The outcome of an action on several builds or agents at once.
 *
 * @param failures one line per item the coordinator refused, naming it and saying why
 */
public record ActionResult(int succeeded, List<String> failures) {

    /** An action on one item. */
    @FunctionalInterface
    interface ItemAction<T> {
        T apply(UUID id) throws FarmException;
    }

    public ActionResult {
        failures = List.copyOf(failures);
    }

    public boolean isComplete() {
        return failures.isEmpty();
    }

    /**
     * Applies {@code action} to each item, noting those the coordinator refused.
     *
     * @param answers receives what the action answered for each item it succeeded on
     * @throws FarmException when the coordinator is down or refuses the token: the rest is not tried
     */
    static <T> ActionResult of(Collection<UUID> ids, ItemAction<T> action, List<T> answers) throws FarmException {
        int succeeded = 0;
        List<String> failures = new ArrayList<>();
        for (UUID id : ids) {
            try {
                answers.add(action.apply(id));
                succeeded++;
            } catch (FarmException e) {
                if (ConnectionSupervisor.isConnectionProblem(e)) {
                    throw e;
                }
                failures.add(id + ": " + e.getMessage());
            }
        }
        return new ActionResult(succeeded, failures);
    }
}
