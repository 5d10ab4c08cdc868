package dev.kiln.desktop.model.views;

import dev.kiln.desktop.model.FarmException;

/** A blocking call to a coordinator. */
@FunctionalInterface
public interface FarmCall<T> {

    T call() throws FarmException;
}
