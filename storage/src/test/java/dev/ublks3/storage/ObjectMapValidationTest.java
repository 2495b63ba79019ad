package dev.ublks3.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ublks3.storage.testing.MemoryObjectStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ObjectMapValidationTest {

    private static String refused(String key, long size, int objectSize) {
        return assertThrows(IllegalArgumentException.class, () -> ObjectMap.validate(key, size, objectSize))
                .getMessage();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 512, 2048, 4095, 4097, 12288, 64 << 20, -4096})
    void objectSizeMustBeAPowerOfTwoFrom4KTo32M(int objectSize) {
        assertEquals(
                "object-size " + objectSize + " must be a power of two from 4K (4096) to 32M (33554432) bytes",
                refused("k", 1L << 30, objectSize));
    }

    @ParameterizedTest
    @ValueSource(ints = {4096, 8192, 65536, 1 << 20, 32 << 20})
    void everyPowerOfTwoFrom4KTo32MIsAccepted(int objectSize) {
        ObjectMap.validate("k", 64L * objectSize, objectSize);
    }

    @Test
    void sizeMustBePositiveAndAMultipleOfTheObjectSize() {
        assertEquals("size 0 must be greater than 0", refused("k", 0, 4096));
        assertEquals("size -4096 must be greater than 0", refused("k", -4096, 4096));
        assertEquals("size 10000 is not a multiple of object-size 4096: use 8192 or 12288", refused("k", 10000, 4096));
        assertEquals("size 100 is not a multiple of object-size 4096: use 4096", refused("k", 100, 4096));
    }

    @Test
    void keyMustNotBeEmpty() {
        assertEquals("key is empty: give the key prefix of the device's objects", refused("", 4096, 4096));
        assertEquals("key is empty: give the key prefix of the device's objects", refused(null, 4096, 4096));
    }

    @Test
    void theConstructorValidatesToo() {
        assertThrows(IllegalArgumentException.class, () -> new ObjectMap(new MemoryObjectStore(), "k", 4097, 4096));
    }
}
