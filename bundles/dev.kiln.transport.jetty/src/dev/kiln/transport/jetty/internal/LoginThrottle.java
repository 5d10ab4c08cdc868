package dev.kiln.transport.jetty.internal;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

import org.eclipse.jetty.http.HttpHeader;

/**
 * Makes wrong agent passwords cheap: each costs the coordinator a slow hash (PBKDF2), so after
 * {@value #FREE_FAILURES} failures in a row from one client address, or for one agent id, further logins from there
 * or for it are answered 429 with {@code Retry-After} and not checked, for a time that doubles from one second up to
 * a minute with each failure; and no more than half the cores check unknown credentials at once. A header that has
 * passed before is checked at once whatever the throttle says, so a good agent is answered through a flood of bad
 * logins, even from its own address. Thread-safe.
 */
final class LoginThrottle {

    static final int FREE_FAILURES = 5;
    private static final long FIRST_BLOCK_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final long LONGEST_BLOCK_NANOS = TimeUnit.MINUTES.toNanos(1);
    /** Failures older than this are forgotten when the table grows large. */
    private static final long FORGET_AFTER_NANOS = TimeUnit.MINUTES.toNanos(15);
    private static final int MAX_ENTRIES = 100_000;

    private final LongSupplier nanoTime;
    private final Semaphore checking;
    private final Map<String, Failures> failures = new ConcurrentHashMap<>();
    /** SHA-256 of an Authorization header that passed, and its agent: never the password itself. */
    private final Map<String, UUID> passed = new ConcurrentHashMap<>();

    LoginThrottle(LongSupplier nanoTime, int concurrentChecks) {
        this.nanoTime = nanoTime;
        this.checking = new Semaphore(concurrentChecks);
    }

    static LoginThrottle forThisMachine() {
        return new LoginThrottle(System::nanoTime, Math.max(1, Runtime.getRuntime().availableProcessors() / 2));
    }

    /**
     * Checks the credentials with {@code check}, unless the address or the agent is throttled.
     *
     * @return whether they are right
     * @throws HttpFailure a 429 with {@code Retry-After} when they were not checked
     */
    boolean check(Exchange exchange, UUID agent, String header, BooleanSupplier check) throws HttpFailure {
        String address = "address " + exchange.remoteAddress();
        String agentKey = "agent " + agent;
        String headerHash = ClientTokens.hash(header);
        boolean known = agent.equals(passed.get(headerHash));
        if (!known) {
            long now = nanoTime.getAsLong();
            long wait = Math.max(blockedFor(address, now), blockedFor(agentKey, now));
            if (wait > 0) {
                throw tooMany(exchange, wait, "too many failed logins from " + exchange.remoteAddress() + " or for agent "
                        + agent);
            }
            if (!checking.tryAcquire()) {
                throw tooMany(exchange, FIRST_BLOCK_NANOS, "the coordinator is busy checking other logins");
            }
        }
        boolean right;
        try {
            right = check.getAsBoolean();
        } finally {
            if (!known) {
                checking.release();
            }
        }
        if (right) {
            if (passed.size() >= MAX_ENTRIES) {
                passed.clear();
            }
            passed.put(headerHash, agent);
            failures.remove(agentKey);
        } else {
            passed.remove(headerHash);
            long now = nanoTime.getAsLong();
            failed(address, now);
            failed(agentKey, now);
        }
        return right;
    }

    private long blockedFor(String key, long now) {
        Failures entry = failures.get(key);
        return entry == null ? 0 : Math.max(0, entry.blockedUntil() - now);
    }

    private void failed(String key, long now) {
        if (failures.size() >= MAX_ENTRIES) {
            failures.values().removeIf(entry -> now - entry.last() > FORGET_AFTER_NANOS);
            if (failures.size() >= MAX_ENTRIES) {
                failures.clear();
            }
        }
        failures.compute(key, (k, entry) -> {
            int count = entry == null ? 1 : entry.count() + 1;
            long block = count <= FREE_FAILURES ? 0
                    : Math.min(LONGEST_BLOCK_NANOS, FIRST_BLOCK_NANOS << Math.min(20, count - FREE_FAILURES - 1));
            return new Failures(count, now, now + block);
        });
    }

    private static HttpFailure tooMany(Exchange exchange, long waitNanos, String why) {
        long seconds = Math.max(1, TimeUnit.NANOSECONDS.toSeconds(waitNanos + TimeUnit.SECONDS.toNanos(1) - 1));
        exchange.setHeader(HttpHeader.RETRY_AFTER, Long.toString(seconds));
        return new HttpFailure(429, "too many requests", why + ": try again in " + seconds + " s");
    }

    private record Failures(int count, long last, long blockedUntil) {
    }
}
