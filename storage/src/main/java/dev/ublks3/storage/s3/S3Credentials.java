package dev.ublks3.storage.s3;

import java.util.Objects;

/** Where the S3 client takes its credentials from. {@link #describe()} names the source in error messages. */
public sealed interface S3Credentials {

    /** A short description for error messages; never contains a secret. */
    String describe();

    /** The AWS default chain: environment, system properties, profile files, container and instance roles. */
    record DefaultChain() implements S3Credentials {
        @Override
        public String describe() {
            return "the AWS default credential chain (AWS_ACCESS_KEY_ID/AWS_PROFILE, ~/.aws, instance role)";
        }
    }

    /** A named profile of ~/.aws/credentials and ~/.aws/config. */
    record Profile(String name) implements S3Credentials {
        public Profile {
            Objects.requireNonNull(name, "profile name");
        }

        @Override
        public String describe() {
            return "profile '" + name + "'";
        }
    }

    /**
     * An explicit key pair; temporary keys when it has a session token (nbdkit's session-token=).
     *
     * @param sessionToken the session token of temporary keys, or null for long-term keys
     */
    record Keys(String accessKeyId, String secretAccessKey, String sessionToken) implements S3Credentials {
        public Keys {
            Objects.requireNonNull(accessKeyId, "access key id");
            Objects.requireNonNull(secretAccessKey, "secret access key");
        }

        @Override
        public String describe() {
            return (sessionToken != null ? "temporary " : "") + "access key '" + accessKeyId + "'";
        }

        @Override
        public String toString() {
            return "Keys[accessKeyId=" + accessKeyId + ", secretAccessKey=***"
                    + (sessionToken != null ? ", sessionToken=***]" : "]");
        }
    }

    static S3Credentials defaultChain() {
        return new DefaultChain();
    }

    static S3Credentials profile(String name) {
        return new Profile(name);
    }

    static S3Credentials keys(String accessKeyId, String secretAccessKey) {
        return new Keys(accessKeyId, secretAccessKey, null);
    }

    static S3Credentials sessionKeys(String accessKeyId, String secretAccessKey, String sessionToken) {
        return new Keys(accessKeyId, secretAccessKey, Objects.requireNonNull(sessionToken, "session token"));
    }
}
