package dev.ublks3.storage.s3;

import dev.ublks3.storage.ObjectStore;
import dev.ublks3.storage.ObjectStoreContractTest;
import dev.ublks3.storage.testing.LocalS3Fixture;

/** The store contract on the CRT client against S3Proxy on 127.0.0.1. */
class S3ObjectStoreContractTest extends ObjectStoreContractTest {

    @Override
    protected ObjectStore newStore() {
        return LocalS3Fixture.newStore("contract");
    }

    @Override
    protected ObjectStore storeOnMissingBucket() {
        return S3ObjectStore.open(LocalS3Fixture.config("no-such-bucket"));
    }
}
