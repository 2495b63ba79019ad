package dev.ublks3.bench;

import dev.ublks3.storage.s3.S3Config;
import dev.ublks3.storage.s3.S3ObjectStore;
import java.net.URI;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;

/**
 * A CRT client built with S3ObjectStore.open's settings, spelled out with the SDK (connection pool, multipart
 * threshold, checksum modes, CRT retries, connect timeout, stall monitor): the "raw" side of benchmarks that
 * measure what the storage stack adds on top of the same HTTP work.
 */
final class RawCrtClient {

    private RawCrtClient() {}

    /** For a server with fixed keys (e.g. the local S3 endpoint's). */
    static S3AsyncClient open(S3Config config, URI endpoint, String accessKey, String secretKey) {
        return S3AsyncClient.crtBuilder()
                .region(Region.of(config.region()))
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKey, secretKey)))
                .forcePathStyle(true)
                .endpointOverride(endpoint)
                .maxConcurrency(config.maxConnections())
                .thresholdInBytes(2 * S3ObjectStore.MAX_SINGLE_PUT)
                .minimumPartSizeInBytes(2 * S3ObjectStore.MAX_SINGLE_PUT)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_SUPPORTED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_SUPPORTED)
                // as S3ObjectStore: the CRT reads 0 retries as its default of 3, 1 is the fewest it makes
                .retryConfiguration(retry -> retry.numRetries(Math.max(1, config.crtRetries())))
                .httpConfiguration(http -> http.connectionTimeout(config.connectTimeout())
                        .connectionHealthConfiguration(health ->
                                health.minimumThroughputInBps(1L).minimumThroughputTimeout(config.stallTimeout())))
                .build();
    }
}
