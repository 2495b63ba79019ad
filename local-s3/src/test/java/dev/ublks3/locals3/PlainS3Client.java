package dev.ublks3.locals3;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;

/** The AWS SDK's own CRT client on a local server, path-style, with its fixed keys: any S3 client, not ours. */
final class PlainS3Client {

    private PlainS3Client() {}

    static S3AsyncClient of(LocalS3Server server) {
        return S3AsyncClient.crtBuilder()
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(LocalS3Server.IDENTITY, LocalS3Server.CREDENTIAL)))
                .endpointOverride(server.endpoint())
                .forcePathStyle(true)
                .build();
    }
}
