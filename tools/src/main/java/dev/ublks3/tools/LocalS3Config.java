package dev.ublks3.tools;

import dev.ublks3.locals3.LocalS3Server;
import dev.ublks3.storage.s3.S3Config;

/** Client settings for a bucket on an embedded S3 server: its endpoint, path-style, its fixed keys. */
final class LocalS3Config {

    private LocalS3Config() {}

    static S3Config of(LocalS3Server server, String bucket) {
        return S3Config.compatible(bucket, server.endpoint(), LocalS3Server.IDENTITY, LocalS3Server.CREDENTIAL);
    }
}
