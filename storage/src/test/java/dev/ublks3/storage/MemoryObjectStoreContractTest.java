package dev.ublks3.storage;

import dev.ublks3.storage.testing.MemoryObjectStore;

/** The store contract in memory, so the fast tests' store behaves like S3. */
class MemoryObjectStoreContractTest extends ObjectStoreContractTest {

    @Override
    protected ObjectStore newStore() {
        return new MemoryObjectStore();
    }

    @Override
    protected ObjectStore storeOnMissingBucket() {
        return MemoryObjectStore.onMissingBucket("no-such-bucket");
    }
}
