package dev.kiln.agent.internal;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.LongConsumer;

import dev.kiln.client.KilnAgentClient;
import dev.kiln.client.KilnApiException;
import dev.kiln.protocol.FetchBody;
import dev.kiln.protocol.FetchedBuild;
import dev.kiln.protocol.SetupFailureKind;
import dev.kiln.protocol.UploadedOutput;

/**
 * The agent API through {@link KilnAgentClient}. A refusal the coordinator will repeat (a 4xx other than 408 and
 * 429) becomes a {@link RejectedException} saying what kind of refusal it is; anything else stays an
 * {@link IOException} worth retrying. When the coordinator refuses the password, the password is read again (an
 * operator gave the agent a new one and wrote it to its file) and, if it changed, the request is sent again with it.
 */
final class ClientCoordinatorConnection implements CoordinatorConnection {

    /** The agent's current password, read again each time it is asked for. */
    @FunctionalInterface
    interface PasswordSource {
        String read() throws IOException;
    }

    private final Function<String, KilnAgentClient> clients;
    private final PasswordSource passwords;
    private final Object passwordLock = new Object();
    private volatile String password;
    private volatile KilnAgentClient client;

    /** A connection with a password that never changes. */
    ClientCoordinatorConnection(KilnAgentClient client) {
        this.clients = ignored -> client;
        this.passwords = () -> "";
        this.password = "";
        this.client = client;
    }

    /**
     * @param clients   makes the client that authenticates with a password
     * @param passwords the password, read now and again when the coordinator refuses it
     */
    ClientCoordinatorConnection(Function<String, KilnAgentClient> clients, PasswordSource passwords)
            throws IOException {
        this.clients = clients;
        this.passwords = passwords;
        this.password = passwords.read();
        this.client = clients.apply(password);
    }

    @FunctionalInterface
    private interface Call<T> {
        T call(KilnAgentClient client) throws IOException;
    }

    private <T> T refusalsRejected(Call<T> call) throws IOException {
        KilnAgentClient used = client;
        try {
            return call.call(used);
        } catch (KilnApiException e) {
            if (e.status() == 401 && passwordChanged(used)) {
                try {
                    return call.call(client);
                } catch (KilnApiException again) {
                    throw rejected(again);
                }
            }
            throw rejected(e);
        }
    }

    /** Reads the password again; whether it changed since {@code used} was made (then {@link #client} has it). */
    private boolean passwordChanged(KilnAgentClient used) {
        synchronized (passwordLock) {
            if (client != used) {
                return true;
            }
            String current;
            try {
                current = passwords.read();
            } catch (IOException e) {
                return false;
            }
            if (current.equals(password)) {
                return false;
            }
            password = current;
            client = clients.apply(current);
            return true;
        }
    }

    private static IOException rejected(KilnApiException e) {
        int status = e.status();
        if (status < 400 || status >= 500 || status == 408 || status == 429) {
            return e;
        }
        Refusal refusal = switch (status) {
            case 401 -> Refusal.CREDENTIALS;
            case 403 -> "deactivated".equals(e.error()) ? Refusal.DEACTIVATED : Refusal.OTHER;
            default -> Refusal.OTHER;
        };
        RejectedException rejected = new RejectedException(e.getMessage(), refusal);
        rejected.initCause(e);
        return rejected;
    }

    @Override
    public List<AllocatedBuild> fetch(List<String> systems, AgentSettings.Features features, int freeSlots,
            int running, double load) throws IOException {
        FetchBody body = new FetchBody(systems, freeSlots, load, features.supported(), features.mandatory(),
                features.speedFactor(), running);
        List<AllocatedBuild> builds = new ArrayList<>();
        List<FetchedBuild> fetched;
        try {
            fetched = refusalsRejected(client -> client.fetch(body));
        } catch (RejectedException e) {
            // The path of a fetch is fixed: a server that does not know it is no agent API.
            if (e.getCause() instanceof KilnApiException cause && cause.status() == 404) {
                RejectedException notAgentApi = new RejectedException(e.getMessage(), Refusal.NOT_AN_AGENT_API);
                notAgentApi.initCause(cause);
                throw notAgentApi;
            }
            throw e;
        }
        for (FetchedBuild build : fetched) {
            builds.add(new AllocatedBuild(build.id(), build.derivation(), build.derivationText(),
                    build.system(), build.limits()));
        }
        return builds;
    }

    @Override
    public Set<UUID> status(Set<UUID> running) throws IOException {
        return new HashSet<>(refusalsRejected(client -> client.status(List.copyOf(running))));
    }

    @Override
    public Set<UUID> status(Set<UUID> running, double load, int freeSlots) throws IOException {
        return new HashSet<>(refusalsRejected(client -> client.status(List.copyOf(running), load, freeSlots)));
    }

    @Override
    public Set<UUID> status(Set<UUID> running, double load, int freeSlots, long freeDisk, String idle)
            throws IOException {
        return new HashSet<>(refusalsRejected(client -> client.status(List.copyOf(running), load, freeSlots, freeDisk,
                idle)));
    }

    @Override
    public void restarted() throws IOException {
        refusalsRejected(client -> {
            client.restarted();
            return null;
        });
    }

    @Override
    public String derivationText(String drvPath) throws IOException {
        return refusalsRejected(client -> client.derivationText(drvPath));
    }

    @Override
    public void start(UUID build) throws IOException {
        refusalsRejected(client -> {
            client.started(build);
            return null;
        });
    }

    @Override
    public void appendLog(UUID build, byte[] bytes) throws IOException {
        refusalsRejected(client -> {
            client.appendLog(build, new ByteArrayInputStream(bytes));
            return null;
        });
    }

    @Override
    public void upload(UUID build, String output, CompressedNar nar, boolean resume) throws IOException {
        LongConsumer ignored = received -> {
        };
        refusalsRejected(client -> {
            switch (nar) {
                case CompressedNar.InMemory memory -> client.uploadOutput(build, output, memory.bytes(), resume,
                        ignored);
                case CompressedNar.Spooled spooled -> client.uploadOutput(build, output, spooled.file(),
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
        refusalsRejected(client -> {
            client.succeeded(build, uploaded);
            return null;
        });
    }

    @Override
    public void failure(UUID build, String kind, Integer exitStatus) throws IOException {
        refusalsRejected(client -> {
            client.failed(build, kind, exitStatus);
            return null;
        });
    }

    @Override
    public void setupFailure(UUID build, SetupFailureKind kind, List<String> missingInputs) throws IOException {
        refusalsRejected(client -> {
            client.setupFailed(build, kind, missingInputs);
            return null;
        });
    }
}
