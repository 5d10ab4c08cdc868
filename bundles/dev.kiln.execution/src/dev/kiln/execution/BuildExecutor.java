package dev.kiln.execution;

import java.io.IOException;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Builds one derivation: runs its builder (itself or through another tool), then checks the outputs and computes
 * their NAR hash, size and references.
 * <p>
 * Implementations are OSGi services with the property {@value #NAME_PROPERTY} naming them ({@code native},
 * {@code nix}). {@link #build(BuildRequest)} is called from many threads at once, one per build; each call is
 * independent and blocks until the build is over.
 */
@ConsumerType
public interface BuildExecutor {

    /** The service property that names an executor. */
    String NAME_PROPERTY = "kiln.executor";

    /**
     * Runs a build. The inputs must already be in the store, unless the executor fetches them itself; the outputs
     * must not be there yet. After a failure, outputs may be left in the store root; they are not valid and the caller
     * deletes them, as it deletes the build directory after every build.
     *
     * @param request what to build and how
     * @return the outcome: success with the outputs, or the reason of the failure
     * @throws IOException          if the build could not be run at all (the builder did not start, the sandbox is
     *                              missing, the build directory cannot be written): not the derivation's fault
     * @throws InterruptedException if the calling thread was interrupted; the build's processes are killed first
     */
    BuildResult build(BuildRequest request) throws IOException, InterruptedException;
}
