package dev.ublks3.storage;

import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The store contract on a directory tree. */
class DirectoryObjectStoreContractTest extends ObjectStoreContractTest {

    @TempDir
    Path root;

    @Override
    protected ObjectStore newStore() throws Exception {
        DirectoryObjectStore.createBucket(root, "bucket");
        return new DirectoryObjectStore(root, "bucket");
    }

    @Override
    protected ObjectStore storeOnMissingBucket() {
        return new DirectoryObjectStore(root, "no-such-bucket");
    }
}
