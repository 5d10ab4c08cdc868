package dev.kiln.products.tests;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The agent archive, started with no coordinator to talk to. */
class AgentProductTest {

    private static final Pattern RETRY = Pattern.compile("Cannot reach the coordinator at \\S+ \\(.*\\); retrying in (\\d+) ms");

    @Test
    void retriesWithBackoffAndSaysSo(@TempDir Path temp) throws Exception {
        Product product = Product.unpack("kiln-agent", temp);
        int closedPort = CoordinatorProductTest.freePort();
        Path password = Files.writeString(temp.resolve("password"), "secret\n");
        try (RunningProcess agent = product.start("kiln-agent", temp.resolve("agent.log"), Map.of(),
                "--coordinator", "http://127.0.0.1:" + closedPort, "--id", UUID.randomUUID().toString(),
                "--password-file", password.toString(), "--state-dir", temp.resolve("state").toString(),
                "--store-dir", temp.resolve("store").toString(), "--retry-initial", "100", "--retry-max", "2000")) {
            agent.awaitUntil("the agent reports three failed attempts", Duration.ofSeconds(60),
                    () -> RETRY.matcher(agent.output()).results().count() >= 3);
            long[] delays = RETRY.matcher(agent.output()).results().mapToLong(m -> Long.parseLong(m.group(1))).toArray();
            assertTrue(delays[2] > delays[0], "the delay grows between attempts: " + Arrays.toString(delays));
            agent.terminate(Duration.ofSeconds(30));
        }
    }
}
