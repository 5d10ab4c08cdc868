package dev.kiln.desktop.model.views;

import java.util.UUID;

import dev.kiln.desktop.model.FarmConnection;
import dev.kiln.desktop.model.FarmException;
import dev.kiln.desktop.model.LogListener;
import dev.kiln.desktop.model.Subscription;
import dev.kiln.protocol.BuildInfo;

/**
 * The log of the build shown in the details: read whole for a finished build, followed while it runs. Showing
 * another build stops the previous stream; text of a stream that was stopped is never passed on.
 */
public final class LogModel implements AutoCloseable {

    /** Where the log goes; called on background threads. */
    public interface View {

        /** Forget the text shown: a log of {@code build} starts. */
        void reset(UUID build);

        void append(UUID build, String text);

        /** The log is complete, or {@code failure} says why it stopped. */
        void ended(UUID build, FarmException failure);
    }

    private final FarmConnection connection;
    private final Scheduler scheduler;
    private final View view;
    private final Object lock = new Object();
    private Subscription following;
    private UUID current;

    public LogModel(FarmConnection connection, Scheduler scheduler, View view) {
        this.connection = connection;
        this.scheduler = scheduler;
        this.view = view;
    }

    /** Shows the log of {@code build}, following it unless the build is final. */
    public void show(BuildInfo build) {
        UUID id = build.id();
        synchronized (lock) {
            stopFollowing();
            current = id;
        }
        view.reset(id);
        scheduler.execute(() -> {
            try {
                if (build.state().isFinal()) {
                    String text = connection.log(id);
                    if (isCurrent(id)) {
                        view.append(id, text);
                        view.ended(id, null);
                    }
                } else {
                    Subscription subscription = connection.followLog(id, new Follower(id));
                    synchronized (lock) {
                        if (id.equals(current) && following == null) {
                            following = subscription;
                            return;
                        }
                    }
                    subscription.close();
                }
            } catch (FarmException e) {
                if (isCurrent(id)) {
                    view.ended(id, e);
                }
            }
        });
    }

    /** The build whose log is shown, or {@code null}. */
    public UUID current() {
        synchronized (lock) {
            return current;
        }
    }

    @Override
    public void close() {
        synchronized (lock) {
            stopFollowing();
            current = null;
        }
    }

    private void stopFollowing() {
        if (following != null) {
            following.close();
            following = null;
        }
    }

    private boolean isCurrent(UUID id) {
        synchronized (lock) {
            return id.equals(current);
        }
    }

    private final class Follower implements LogListener {

        private final UUID id;

        Follower(UUID id) {
            this.id = id;
        }

        @Override
        public void onText(String text) {
            if (isCurrent(id)) {
                view.append(id, text);
            }
        }

        @Override
        public void onEnd(FarmException failure) {
            if (isCurrent(id)) {
                view.ended(id, failure);
            }
        }
    }
}
