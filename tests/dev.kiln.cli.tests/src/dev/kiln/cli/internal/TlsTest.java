package dev.kiln.cli.internal;

import static dev.kiln.cli.internal.RunningCoordinator.kiln;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;

import javax.net.ssl.SSLContext;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.kiln.cli.internal.RunningCoordinator.Run;
import dev.kiln.client.CoordinatorUnreachableException;
import dev.kiln.client.KilnAgentClient;
import dev.kiln.client.KilnApiException;
import dev.kiln.client.KilnClient;
import dev.kiln.client.TrustedCertificates;
import dev.kiln.protocol.AgentPassword;
import dev.kiln.protocol.AgentStatus;
import dev.kiln.protocol.NewAgentBody;
import dev.kiln.testing.SelfSignedCertificate;
import dev.kiln.testing.StateDirectories;

/**
 * A coordinator whose both ports speak TLS from a keystore (self-signed for 127.0.0.1, made by keytool here): the
 * command line and both Java clients work over https when they trust the certificate, and fail with one readable line
 * when they do not or when they speak plain http to a TLS port.
 */
class TlsTest {

    private static final String PASSWORD = "kiln-test-secret";
    private static final Path temporary = StateDirectories.create("kiln-tls-");

    private static RunningCoordinator coordinator;
    private static Path certificate;
    private static String url;

    @BeforeAll
    static void start() throws Exception {
        SelfSignedCertificate tls = SelfSignedCertificate.create(temporary, PASSWORD);
        certificate = tls.certificate();
        Path passwordFile = Files.writeString(temporary.resolve("keystore-password"), PASSWORD + "\n");
        coordinator = new RunningCoordinator(temporary.resolve("state"), "--client-tls-keystore", tls.keystore().toString(),
                "--agent-tls-keystore", tls.keystore().toString(), "--tls-keystore-password-file", passwordFile.toString());
        url = coordinator.clientApi().toString();
    }

    @AfterAll
    static void stop() throws Exception {
        RunningCoordinator.stop(coordinator, temporary);
    }

    @Test
    void bothPortsSpeakHttps() {
        assertEquals("https", coordinator.clientApi().getScheme());
        assertEquals("https", coordinator.agentApi().getScheme());
    }

    @Test
    void theCommandLineTrustsTheCertificateOfACaFile() {
        Run listed = kiln("build", "list", "--coordinator", url, "--cacert", certificate.toString(), "--json");
        assertEquals(0, listed.exit(), listed.err());
        assertEquals("[]", listed.out().strip());

        Run key = kiln("cache", "public-key", "--coordinator", url, "--cacert", certificate.toString());
        assertEquals(0, key.exit(), key.err());
        assertTrue(key.out().strip().matches("[^:]+:[A-Za-z0-9+/=]{44}"), key.out());
    }

    @Test
    void theJavaClientsWorkOverHttpsOnBothPorts() throws Exception {
        SSLContext trusting = TrustedCertificates.sslContext(certificate);
        KilnClient client = new KilnClient(coordinator.clientApi(), null, trusting);
        client.checkHealth();
        AgentPassword agent = client.createAgent(new NewAgentBody("tls-agent", "over https", List.of("x86_64-linux"), null));

        KilnAgentClient agentClient = new KilnAgentClient(coordinator.agentApi(), agent.id(),
                agent.password(), trusting);
        assertEquals(List.of(), agentClient.fetch(List.of("x86_64-linux"), 1, 0.0));
        assertEquals(List.of(), agentClient.status(List.of()));
        assertTrue(client.agents().stream().anyMatch(info -> info.id().equals(agent.id()) && info.status() == AgentStatus.ONLINE),
                "the fetch over https was a heartbeat");

        KilnAgentClient untrusting = new KilnAgentClient(coordinator.agentApi(), agent.id(),
                agent.password());
        CoordinatorUnreachableException refused = assertThrows(CoordinatorUnreachableException.class,
                () -> untrusting.fetch(List.of("x86_64-linux"), 1, 0.0));
        assertTrue(refused.getMessage().contains("TLS handshake failed"), refused.getMessage());
    }

    @Test
    void aClientThatDoesNotTrustTheCertificateGetsOneLine() {
        Run untrusted = kiln("build", "list", "--coordinator", url);
        assertEquals(KilnCommandLine.EXIT_UNREACHABLE, untrusted.exit(), untrusted.out());
        assertEquals(1, untrusted.err().lines().count(), untrusted.err());
        assertTrue(untrusted.err().startsWith("kiln: coordinator " + url + " is unreachable: the TLS handshake failed ("),
                untrusted.err());
        assertTrue(untrusted.err().contains("--cacert"), untrusted.err());
    }

    @Test
    void plainHttpToATlsPortFailsClearly() throws Exception {
        String plain = url.replace("https://", "http://");
        Run refused = kiln("build", "list", "--coordinator", plain);
        assertEquals(KilnCommandLine.EXIT_FAILURE, refused.exit(), refused.out());
        assertEquals(List.of("kiln: bad request: this port speaks TLS: use " + url), refused.err().lines().toList());

        URI agentApi = coordinator.agentApi();
        KilnAgentClient agent = new KilnAgentClient(URI.create(agentApi.toString().replace("https://", "http://")),
                UUID.randomUUID(), "password");
        KilnApiException failure = assertThrows(KilnApiException.class, () -> agent.status(List.of()));
        assertEquals(400, failure.status());
        assertEquals("this port speaks TLS: use " + agentApi, failure.detail());
        new KilnClient(coordinator.clientApi(), null, TrustedCertificates.sslContext(certificate)).checkHealth();
    }
}
