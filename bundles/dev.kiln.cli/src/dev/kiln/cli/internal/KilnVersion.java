package dev.kiln.cli.internal;

import org.osgi.framework.FrameworkUtil;

import picocli.CommandLine.IVersionProvider;

final class KilnVersion implements IVersionProvider {

    @Override
    public String[] getVersion() {
        return new String[] {"kiln " + FrameworkUtil.getBundle(KilnVersion.class).getVersion()};
    }
}
