package dev.kiln.client;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS contexts that trust given certificates: a coordinator's self-signed certificate or the authority that signed
 * it. Stateless.
 */
public final class TrustedCertificates {

    private TrustedCertificates() {
    }

    /**
     * A TLS context that trusts exactly the certificates of a file.
     *
     * @param certificates a file of PEM ({@code -----BEGIN CERTIFICATE-----}) or DER X.509 certificates
     * @throws IOException when the file cannot be read or holds no certificate
     */
    public static SSLContext sslContext(Path certificates) throws IOException {
        try (InputStream in = Files.newInputStream(certificates)) {
            Collection<? extends Certificate> found = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (found.isEmpty()) {
                throw new IOException(certificates + " holds no certificate");
            }
            KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
            trusted.load(null, null);
            int index = 0;
            for (Certificate certificate : found) {
                trusted.setCertificateEntry("trusted-" + index++, certificate);
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trusted);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IOException(certificates + " is not a file of X.509 certificates: " + e.getMessage(), e);
        }
    }
}
