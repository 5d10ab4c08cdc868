package dev.kiln.cli.internal;

/**
 * {@code kiln} on a plain class path, without the OSGi framework: what {@code bin/kiln} runs for every command but
 * {@code kiln coordinator}. A client command needs only the client, the protocol and the store formats, and starts in
 * a fraction of the time that booting the framework and its services takes.
 */
public final class KilnMain {

    private KilnMain() {
    }

    public static void main(String[] args) {
        KilnCommandLine commandLine = KilnCommandLine.withoutFramework();
        System.exit(commandLine.run(args));
    }
}
