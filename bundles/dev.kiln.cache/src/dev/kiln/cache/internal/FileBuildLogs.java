package dev.kiln.cache.internal;

import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdException;
import com.github.luben.zstd.ZstdInputStream;

import dev.kiln.cache.BuildLogs;
import dev.kiln.cache.storage.ObjectStore;
import dev.kiln.cache.storage.ObjectStream;
import dev.kiln.cache.storage.StoreUnavailableException;
import dev.kiln.store.compression.Compression;

/**
 * Build logs as files under {@code <state-dir>/logs/}: {@code <id>.log.zst} holds a Zstandard frame for each piece
 * appended, so that a log is compressed as it comes, written once, and never made again under another name (on
 * ext4, a file deleted for every build slows every file made after it). Logs begun as plain {@code <id>.log} by an
 * earlier version go on plain and are compressed once final, as they were then.
 * <p>
 * A piece is compressed in memory (4 MiB at most to a frame) and written at once; a piece that cannot be written or
 * read whole is cut off again. A coordinator stopped in the middle of one leaves a partial frame at the end of that
 * log: readers stop before it, and the next piece appended cuts it off first. A reader at the end of a log reads on
 * from there as pieces come, so that following a running build does not read its log again from the start.
 * <p>
 * A final log goes to the cache's {@link ObjectStore} as {@code logs/<id>.log.zst} (where it already is when the
 * store is the state directory); one that cannot be put there stays and is served from the state directory.
 */
@Component(configurationPid = CacheConfiguration.PID, configurationPolicy = ConfigurationPolicy.REQUIRE)
public final class FileBuildLogs implements BuildLogs {

    private static final Logger LOG = LoggerFactory.getLogger(FileBuildLogs.class);
    /** The most bytes of a piece compressed as one frame: a larger piece is split, and memory stays bounded. */
    private static final int FRAME_AT_MOST = 4 << 20;
    /** The largest log whose end is checked for a partial frame; a larger one is taken as whole. */
    private static final long CHECKED_AT_MOST = 256L << 20;
    /** The prefix of the logs' keys in the store, and the name of their directory in the state directory. */
    static final String LOGS = "logs/";

    private final Path logs;
    private final ObjectStore store;
    private final KeyedLocks<UUID> locks = new KeyedLocks<>();
    /** The logs appended to since the coordinator started, until final: their ends are known whole. */
    private final Set<UUID> whole = ConcurrentHashMap.newKeySet();

    @Activate
    public FileBuildLogs(@Reference ObjectStore store, CacheConfiguration configuration) throws IOException {
        this.store = store;
        logs = Files.createDirectories(CacheOptions.from(configuration).stateDir().resolve(LOGS));
    }

    @Override
    public long append(UUID buildId, InputStream bytes) throws IOException {
        KeyedLocks<UUID>.Held locked = locks.lock(buildId);
        try {
            Path plain = plain(buildId);
            if (Files.exists(plain)) {
                try (OutputStream out = Files.newOutputStream(plain, StandardOpenOption.APPEND)) {
                    return bytes.transferTo(out);
                }
            }
            byte[] piece = bytes.readNBytes(FRAME_AT_MOST);
            if (piece.length == 0) {
                return 0;
            }
            try (FileChannel channel = FileChannel.open(compressed(buildId), StandardOpenOption.CREATE,
                    StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                long start = whole.contains(buildId) ? channel.size() : wholeFrames(channel, buildId);
                long at = start;
                long appended = 0;
                try {
                    for (; piece.length > 0; piece = bytes.readNBytes(FRAME_AT_MOST)) {
                        ByteBuffer frame = ByteBuffer.wrap(frame(piece));
                        while (frame.hasRemaining()) {
                            at += channel.write(frame, at);
                        }
                        appended += piece.length;
                    }
                } catch (IOException e) {
                    channel.truncate(start);
                    throw e;
                }
                whole.add(buildId);
                return appended;
            }
        } finally {
            locked.unlock();
        }
    }

    private static byte[] frame(byte[] piece) throws IOException {
        ByteArrayOutputStream frame = new ByteArrayOutputStream(piece.length / 2 + 64);
        try (OutputStream out = Compression.ZSTD.compress(frame)) {
            out.write(piece);
        }
        return frame.toByteArray();
    }

    /** The length of the whole frames a log holds; a partial frame after them is cut off. */
    private static long wholeFrames(FileChannel channel, UUID buildId) throws IOException {
        long size = channel.size();
        if (size == 0 || size > CHECKED_AT_MOST) {
            return size;
        }
        byte[] file = new byte[(int) size];
        ByteBuffer buffer = ByteBuffer.wrap(file);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, buffer.position()) < 0) {
                throw new IOException("the log of build " + buildId + " shrank while it was read");
            }
        }
        int end = 0;
        while (end < file.length) {
            long frame;
            try {
                frame = Zstd.findFrameCompressedSize(file, end);
            } catch (ZstdException partial) {
                frame = -1;
            }
            if (frame <= 0 || end + frame > file.length) {
                LOG.warn("The log of build {} ended in a partial frame ({} bytes), cut off", buildId,
                        file.length - end);
                channel.truncate(end);
                break;
            }
            end += (int) frame;
        }
        return end;
    }

    @Override
    public Optional<InputStream> open(UUID buildId) throws IOException {
        try {
            // A file read to its end reads on from there once it grows; a plain log is only appended to.
            return Optional.of(Files.newInputStream(plain(buildId)));
        } catch (NoSuchFileException e) {
            // compressed, or none
        }
        InputStream frames;
        try {
            frames = Files.newInputStream(compressed(buildId));
        } catch (NoSuchFileException e) {
            Optional<ObjectStream> stored = store.open(key(buildId));
            if (stored.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(new ZstdInputStream(stored.get().stream()));
        }
        // Continuous: at the end of the file, in the middle of a frame being appended or left partial by a stop too,
        // a read finds nothing yet (-1 here), and a later one decodes what came since.
        ZstdInputStream decompressed = new ZstdInputStream(frames);
        decompressed.setContinuous(true);
        return Optional.of(new FilterInputStream(decompressed) {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) > 0 ? one[0] & 0xff : -1;
            }

            @Override
            public int read(byte[] bytes, int offset, int count) throws IOException {
                int read = super.read(bytes, offset, count);
                return read == 0 && count > 0 ? -1 : read;
            }
        });
    }

    @Override
    public void finish(UUID buildId) throws IOException {
        KeyedLocks<UUID>.Held locked = locks.lock(buildId);
        try {
            whole.remove(buildId);
            Path plain = plain(buildId);
            if (Files.exists(plain)) {
                Path partial = logs.resolve(buildId + ".log.zst.part");
                try (OutputStream out = Compression.ZSTD.compress(Files.newOutputStream(partial))) {
                    Files.copy(plain, out);
                }
                Files.move(partial, compressed(buildId), StandardCopyOption.REPLACE_EXISTING,
                        StandardCopyOption.ATOMIC_MOVE);
                Files.delete(plain);
            }
            if (Files.exists(compressed(buildId))) {
                store.put(key(buildId), compressed(buildId));
            }
        } catch (StoreUnavailableException e) {
            LOG.warn("The log of build {} stays in {}: {}", buildId, logs, e.getMessage());
        } finally {
            locked.unlock();
        }
    }

    private Path plain(UUID buildId) {
        return logs.resolve(buildId + ".log");
    }

    private static String key(UUID buildId) {
        return LOGS + buildId + ".log.zst";
    }

    private Path compressed(UUID buildId) {
        return logs.resolve(buildId + ".log.zst");
    }
}
