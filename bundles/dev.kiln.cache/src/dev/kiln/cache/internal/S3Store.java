package dev.kiln.cache.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.function.Consumer;

import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProviderChain;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.SystemPropertyCredentialsProvider;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.exception.SdkServiceException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;

import dev.kiln.cache.storage.ObjectStore;
import dev.kiln.cache.storage.ObjectStream;
import dev.kiln.cache.storage.StoreUnavailableException;
import dev.kiln.cache.storage.StoredObject;

/**
 * Objects in a bucket of S3-compatible object storage (AWS, MinIO, Ceph RGW, Garage, S3Proxy), under a key prefix,
 * addressed path-style. Files larger than a part are put as multipart uploads, whose object appears only once every
 * part is there; a failed one is aborted. Credentials come from {@code AWS_ACCESS_KEY_ID}/{@code
 * AWS_SECRET_ACCESS_KEY}, the {@code aws.accessKeyId}/{@code aws.secretAccessKey} system properties, or the
 * credentials file ({@code AWS_SHARED_CREDENTIALS_FILE}, by default {@code ~/.aws/credentials}).
 */
final class S3Store implements ObjectStore {

    /** The size of a multipart upload's parts, and the largest file put in one request. */
    static final int PART_SIZE = 16 << 20;

    private final S3Client client;
    private final AwsCredentialsProvider credentials;
    private final String bucket;
    private final String prefix;
    private final String location;

    S3Store(StoreLocation.S3 where, AwsCredentialsProvider credentials) {
        this.bucket = where.bucket();
        this.prefix = where.prefix();
        this.location = where.toString();
        this.credentials = credentials;
        S3ClientBuilder builder = S3Client.builder()
                .region(Region.of(where.region()))
                .forcePathStyle(true)
                .credentialsProvider(credentials)
                // Checksums only where S3 requires them: other S3 servers refuse or mishandle the trailing ones.
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .httpClient(UrlConnectionHttpClient.builder()
                        .connectionTimeout(Duration.ofSeconds(10))
                        .socketTimeout(Duration.ofSeconds(60))
                        .build());
        where.endpoint().ifPresent(builder::endpointOverride);
        // The SDK finds its interceptors through the context class loader: in OSGi, that must be this bundle's.
        Thread thread = Thread.currentThread();
        ClassLoader context = thread.getContextClassLoader();
        thread.setContextClassLoader(S3Store.class.getClassLoader());
        try {
            this.client = builder.build();
        } finally {
            thread.setContextClassLoader(context);
        }
    }

    /** The credentials of the standard AWS variables, system properties or credentials file, in that order. */
    static AwsCredentialsProvider standardCredentials() {
        return AwsCredentialsProviderChain.builder()
                .credentialsProviders(EnvironmentVariableCredentialsProvider.create(),
                        SystemPropertyCredentialsProvider.create(), ProfileCredentialsProvider.create())
                .build();
    }

    @Override
    public String location() {
        return location;
    }

    @Override
    public void check() throws IOException {
        try {
            credentials.resolveCredentials();
        } catch (SdkException e) {
            throw new StoreUnavailableException("no credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, "
                    + "or write them to the credentials file (AWS_SHARED_CREDENTIALS_FILE, ~/.aws/credentials)", e);
        }
        call("reach the bucket", () -> client.headBucket(request -> request.bucket(bucket)));
        Path probe = Files.createTempFile("kiln-store-probe", ".tmp");
        try {
            put(".probe", probe);
            delete(".probe");
        } finally {
            Files.deleteIfExists(probe);
        }
    }

    @Override
    public void put(String key, Path file) throws IOException {
        String name = name(key);
        long size = Files.size(file);
        if (size <= PART_SIZE) {
            call("put " + key, () -> client.putObject(request -> request.bucket(bucket).key(name).contentLength(size),
                    RequestBody.fromFile(file)));
        } else {
            putInParts(key, name, file, size);
        }
        Files.delete(file);
    }

    private void putInParts(String key, String name, Path file, long size) throws IOException {
        String upload = call("start the upload of " + key,
                () -> client.createMultipartUpload(request -> request.bucket(bucket).key(name)).uploadId());
        boolean complete = false;
        try (InputStream in = Files.newInputStream(file)) {
            List<CompletedPart> parts = new ArrayList<>();
            for (int number = 1; (long) (number - 1) * PART_SIZE < size; number++) {
                byte[] bytes = in.readNBytes(PART_SIZE);
                int partNumber = number;
                String tag = call("put part " + number + " of " + key, () -> client.uploadPart(
                        request -> request.bucket(bucket).key(name).uploadId(upload).partNumber(partNumber)
                                .contentLength((long) bytes.length),
                        RequestBody.fromBytes(bytes)).eTag());
                parts.add(CompletedPart.builder().partNumber(partNumber).eTag(tag).build());
            }
            call("complete the upload of " + key, () -> client.completeMultipartUpload(request -> request
                    .bucket(bucket).key(name).uploadId(upload).multipartUpload(whole -> whole.parts(parts))));
            complete = true;
        } finally {
            if (!complete) {
                abort(upload, name);
            }
        }
    }

    private void abort(String upload, String name) {
        try {
            client.abortMultipartUpload(request -> request.bucket(bucket).key(name).uploadId(upload));
        } catch (SdkException e) {
            // The bucket's lifecycle rules or a later listing of uploads remove it; the object never appeared.
        }
    }

    @Override
    public Optional<ObjectStream> open(String key) throws IOException {
        String name = name(key);
        try {
            ResponseInputStream<GetObjectResponse> in = client.getObject(request -> request.bucket(bucket).key(name));
            return Optional.of(new ObjectStream(in.response().contentLength(), in));
        } catch (SdkException e) {
            if (notFound(e)) {
                return Optional.empty();
            }
            throw unavailable("read " + key, e);
        }
    }

    @Override
    public OptionalLong size(String key) throws IOException {
        String name = name(key);
        try {
            return OptionalLong.of(client.headObject(request -> request.bucket(bucket).key(name)).contentLength());
        } catch (SdkException e) {
            if (notFound(e)) {
                return OptionalLong.empty();
            }
            throw unavailable("look up " + key, e);
        }
    }

    @Override
    public boolean delete(String key) throws IOException {
        if (size(key).isEmpty()) {
            return false;
        }
        String name = name(key);
        call("delete " + key, () -> client.deleteObject(request -> request.bucket(bucket).key(name)));
        return true;
    }

    @Override
    public void list(String keyPrefix, Consumer<StoredObject> each) throws IOException {
        String start = prefix + keyPrefix;
        try {
            for (S3Object object : client.listObjectsV2Paginator(request -> request.bucket(bucket).prefix(start))
                    .contents()) {
                String key = object.key().substring(prefix.length());
                if (!key.startsWith(".")) {
                    each.accept(new StoredObject(key, object.size(), object.lastModified()));
                }
            }
        } catch (SdkException e) {
            throw unavailable("list " + keyPrefix, e);
        }
    }

    @Override
    public void close() {
        client.close();
    }

    private String name(String key) {
        return prefix + StoreKeys.require(key);
    }

    private <T> T call(String what, Callable<T> request) throws IOException {
        try {
            return request.call();
        } catch (SdkException e) {
            throw unavailable(what, e);
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IOException(e);
        }
    }

    private static boolean notFound(SdkException e) {
        return e instanceof SdkServiceException service && service.statusCode() == 404;
    }

    private StoreUnavailableException unavailable(String what, SdkException e) {
        return new StoreUnavailableException("cannot " + what + " in " + location + ": " + e.getMessage(), e);
    }
}
