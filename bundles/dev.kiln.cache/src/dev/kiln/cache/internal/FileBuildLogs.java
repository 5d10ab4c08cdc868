package dev.kiln.cache.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.UUID;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;

import dev.kiln.cache.BuildLogs;
import dev.kiln.store.compression.Compression;

/** Build logs as files under {@code <state-dir>/logs/}. */
@Component(configurationPid = CacheConfiguration.PID, configurationPolicy = ConfigurationPolicy.REQUIRE)
public final class FileBuildLogs implements BuildLogs {

    private final Path logs;
    private final KeyedLocks<UUID> locks = new KeyedLocks<>();

    @Activate
    public FileBuildLogs(CacheConfiguration configuration) throws IOException {
        logs = Files.createDirectories(CacheOptions.from(configuration).stateDir().resolve("logs"));
    }

    @Override
    public long append(UUID buildId, InputStream bytes) throws IOException {
        KeyedLocks<UUID>.Held locked = locks.lock(buildId);
        try {
            try (OutputStream out = Files.newOutputStream(plain(buildId), StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND)) {
                return bytes.transferTo(out);
            }
        } finally {
            locked.unlock();
        }
    }

    @Override
    public Optional<InputStream> open(UUID buildId) throws IOException {
        try {
            return Optional.of(Files.newInputStream(plain(buildId)));
        } catch (NoSuchFileException e) {
            try {
                return Optional.of(Compression.ZSTD.decompress(Files.newInputStream(compressed(buildId))));
            } catch (NoSuchFileException none) {
                return Optional.empty();
            }
        }
    }

    @Override
    public void finish(UUID buildId) throws IOException {
        KeyedLocks<UUID>.Held locked = locks.lock(buildId);
        try {
            Path plain = plain(buildId);
            if (!Files.exists(plain)) {
                return;
            }
            Path partial = logs.resolve(buildId + ".log.zst.part");
            try (OutputStream out = Compression.ZSTD.compress(Files.newOutputStream(partial))) {
                Files.copy(plain, out);
            }
            Files.move(partial, compressed(buildId), StandardCopyOption.REPLACE_EXISTING,
                    StandardCopyOption.ATOMIC_MOVE);
            Files.delete(plain);
        } finally {
            locked.unlock();
        }
    }

    private Path plain(UUID buildId) {
        return logs.resolve(buildId + ".log");
    }

    private Path compressed(UUID buildId) {
        return logs.resolve(buildId + ".log.zst");
    }
}
