package dev.kiln.desktop.model.views;

import java.util.List;

/**
 * The outcome of an action on several builds or agents at once.
 *
 * @param failures one line per item the coordinator refused, naming it and saying why
 */
public record ActionResult(int succeeded, List<String> failures) {

    public ActionResult {
        failures = List.copyOf(failures);
    }

    public boolean isComplete() {
        return failures.isEmpty();
    }
}
