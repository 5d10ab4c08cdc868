package dev.kiln.agent.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.LongConsumer;

import dev.kiln.client.KilnAgentClient;
import dev.kiln.client.KilnApiException;
import dev.kiln.protocol.FetchBody;
import dev.kiln.protocol.FetchedBuild;
import dev.kiln.protocol.UploadedOutput;

/**
 * The agent API through {@link KilnAgentClient}. A refusal the coordinator will repeat (a 4xx other than 408 and
 * 429) becomes a {@link RejectedException}; anything else stays an {@link IOException} worth retrying.
 */
final class ClientCoordinatorConnection implements CoordinatorConnection {

    private final KilnAgentClient client;

    ClientCoordinatorConnection(KilnAgentClient client) {
        this.client = client;
    }

    @FunctionalInterface
    private interface Call<T> {
        T call() throws IOException;
    }

    private static <T> T refusalsRejected(Call<T> call) throws IOException {
        try {
            return call.call();
        } catch (KilnApiException e) {
            int status = e.status();
            if (status >= 400 && status < 500 && status != 408 && status != 429) {
                RejectedException rejected = new RejectedException(e.getMessage());
                rejected.initCause(e);
                throw rejected;
            }
            throw e;
        }
    }

    @Override
    public List<AllocatedBuild> fetch(List<String> systems, AgentSettings.Features features, int freeSlots,
            double load) throws IOException {
        FetchBody body = new FetchBody(systems, freeSlots, load, features.supported(), features.mandatory(),
                features.speedFactor());
        List<AllocatedBuild> builds = new ArrayList<>();
        for (FetchedBuild build : refusalsRejected(() -> client.fetch(body))) {
            builds.add(new AllocatedBuild(UUID.fromString(build.id()), build.derivation(), build.derivationText(),
                    build.system(), build.limits()));
        }
        return builds;
    }

    @Override
    public Set<UUID> status(Set<UUID> running) throws IOException {
        List<String> ids = running.stream().map(UUID::toString).toList();
        return abandoned(refusalsRejected(() -> client.status(ids)));
    }

    @Override
    public Set<UUID> status(Set<UUID> running, double load, int freeSlots) throws IOException {
        List<String> ids = running.stream().map(UUID::toString).toList();
        return abandoned(refusalsRejected(() -> client.status(ids, load, freeSlots)));
    }

    @Override
    public Set<UUID> status(Set<UUID> running, double load, int freeSlots, long freeDisk, String idle)
            throws IOException {
        List<String> ids = running.stream().map(UUID::toString).toList();
        return abandoned(refusalsRejected(() -> client.status(ids, load, freeSlots, freeDisk, idle)));
    }

    private static Set<UUID> abandoned(List<String> ids) {
        Set<UUID> abandon = new HashSet<>();
        for (String id : ids) {
            abandon.add(UUID.fromString(id));
        }
        return abandon;
    }

    @Override
    public void restarted() throws IOException {
        refusalsRejected(() -> {
            client.restarted();
            return null;
        });
    }

    @Override
    public String derivationText(String drvPath) throws IOException {
        return refusalsRejected(() -> client.derivationText(drvPath));
    }

    @Override
    public void start(UUID build) throws IOException {
        refusalsRejected(() -> {
            client.started(build.toString());
            return null;
        });
    }

    @Override
    public void appendLog(UUID build, byte[] bytes) throws IOException {
        refusalsRejected(() -> {
            client.appendLog(build.toString(), new ByteArrayInputStream(bytes));
            return null;
        });
    }

    @Override
    public void upload(UUID build, String output, CompressedNar nar, boolean resume) throws IOException {
        LongConsumer ignored = received -> {
        };
        refusalsRejected(() -> {
            switch (nar) {
                case CompressedNar.InMemory memory -> client.uploadOutput(build.toString(), output, memory.bytes(), resume,
                        ignored);
                case CompressedNar.Spooled spooled -> client.uploadOutput(build.toString(), output, spooled.file(),
                        resume, ignored);
            }
            return null;
        });
    }

    @Override
    public void success(UUID build, List<OutputReport> outputs) throws IOException {
        List<UploadedOutput> uploaded = outputs.stream()
                .map(output -> new UploadedOutput(output.name(), output.path(), output.narHash(), output.narSize(),
                        List.copyOf(output.references()), output.fileHash(), output.fileSize()))
                .toList();
        refusalsRejected(() -> {
            client.succeeded(build.toString(), uploaded);
            return null;
        });
    }

    @Override
    public void failure(UUID build, String kind) throws IOException {
        refusalsRejected(() -> {
            client.failed(build.toString(), kind);
            return null;
        });
    }

    @Override
    public void setupFailure(UUID build, SetupFailureKind kind, List<String> missingInputs) throws IOException {
        refusalsRejected(() -> {
            client.setupFailed(build.toString(), kind.wireName, missingInputs);
            return null;
        });
    }
}
