package dev.kiln.ci.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import dev.kiln.ci.Forge;
import dev.kiln.ci.WebhookRejectedException;

/**
 * The secrets forges sign their webhooks with, read from files (each line that is not blank is one secret), so that a
 * secret is rotated by adding the new one, changing the forge, and then removing the old one. Immutable.
 */
final class WebhookSecrets {

    private final List<byte[]> secrets;

    private WebhookSecrets(List<byte[]> secrets) {
        this.secrets = List.copyOf(secrets);
    }

    static WebhookSecrets fromFiles(List<Path> files) {
        List<byte[]> secrets = new ArrayList<>();
        for (Path file : files) {
            try {
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    if (!line.isBlank()) {
                        secrets.add(line.strip().getBytes(StandardCharsets.UTF_8));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read the webhook secrets in " + file, e);
            }
        }
        return new WebhookSecrets(secrets);
    }

    /**
     * Checks that the delivery carries the forge's proof of a secret: the HMAC-SHA256 of the body in
     * {@code X-Hub-Signature-256} ({@code sha256=<hex>}, GitHub), {@code X-Forgejo-Signature} or
     * {@code X-Gitea-Signature} ({@code <hex>}, Forgejo and Gitea), or the secret itself in {@code X-Gitlab-Token}.
     */
    void verify(Forge forge, Map<String, String> headers, byte[] body) {
        if (secrets.isEmpty()) {
            throw new WebhookRejectedException("no webhook secret is configured on this coordinator");
        }
        switch (forge) {
            case GITLAB -> {
                byte[] token = header(headers, "x-gitlab-token")
                        .orElseThrow(() -> new WebhookRejectedException("the delivery has no X-Gitlab-Token"))
                        .getBytes(StandardCharsets.UTF_8);
                if (secrets.stream().noneMatch(secret -> MessageDigest.isEqual(secret, token))) {
                    throw new WebhookRejectedException("the X-Gitlab-Token matches no secret");
                }
            }
            case GITHUB -> verifyHmac(header(headers, "x-hub-signature-256"), "sha256=", "X-Hub-Signature-256", body);
            case GITEA -> verifyHmac(header(headers, "x-forgejo-signature").or(() -> header(headers, "x-gitea-signature")),
                    "", "X-Forgejo-Signature or X-Gitea-Signature", body);
        }
    }

    private void verifyHmac(Optional<String> header, String prefix, String name, byte[] body) {
        String value = header.orElseThrow(() -> new WebhookRejectedException("the delivery has no " + name));
        if (!value.startsWith(prefix)) {
            throw new WebhookRejectedException(name + " is not " + prefix + "<hex>");
        }
        byte[] signature;
        try {
            signature = HexFormat.of().parseHex(value.substring(prefix.length()).strip().toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new WebhookRejectedException(name + " is not hexadecimal");
        }
        for (byte[] secret : secrets) {
            if (MessageDigest.isEqual(hmacSha256(secret, body), signature)) {
                return;
            }
        }
        throw new WebhookRejectedException("the " + name + " matches no secret");
    }

    static byte[] hmacSha256(byte[] secret, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is not available", e);
        }
    }

    private static Optional<String> header(Map<String, String> headers, String name) {
        return Optional.ofNullable(headers.get(name)).filter(value -> !value.isBlank());
    }
}
