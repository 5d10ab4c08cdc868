package dev.kiln.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A PKCS12 keystore with a self-signed EC key and certificate for 127.0.0.1, valid two days, and the certificate in
 * PEM for clients to trust; made by the JDK's {@code keytool}.
 *
 * @param keystore    the keystore, opened with {@code password}
 * @param certificate the certificate in PEM
 * @param password    the password of the keystore and the key
 */
public record SelfSignedCertificate(Path keystore, Path certificate, String password) {

    private static final long TIMEOUT_SECONDS = 60;
    private static final String ALIAS = "kiln";

    /** Makes {@code kiln.p12} and {@code kiln.pem} in the directory. */
    public static SelfSignedCertificate create(Path directory, String password) throws IOException, InterruptedException {
        Path keystore = directory.resolve("kiln.p12");
        Path certificate = directory.resolve("kiln.pem");
        keytool("-genkeypair", "-alias", ALIAS, "-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2",
                "-dname", "CN=127.0.0.1", "-ext", "SAN=ip:127.0.0.1", "-storetype", "PKCS12", "-keystore",
                keystore.toString(), "-storepass", password, "-keypass", password);
        keytool("-exportcert", "-rfc", "-alias", ALIAS, "-keystore", keystore.toString(), "-storepass", password,
                "-file", certificate.toString());
        return new SelfSignedCertificate(keystore, certificate, password);
    }

    private static void keytool(String... arguments) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException("keytool did not finish within " + TIMEOUT_SECONDS + " s");
        }
        if (process.exitValue() != 0) {
            throw new IOException("keytool " + String.join(" ", arguments) + " failed: " + output);
        }
    }
}
