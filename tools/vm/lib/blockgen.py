#!/usr/bin/python3
"""Writes generations of self-describing 4 KiB blocks to a device and checks them after a crash.

  blockgen.py write DEVICE STATE BLOCKS   until killed: writes of 1-16 blocks at random places among the first
                                          BLOCKS (O_DIRECT), an fsync (a FLUSH) after every 8; after each fsync,
                                          STATE (replaced atomically) holds the flush count and every block's
                                          generation as of that flush
  blockgen.py verify DEVICE STATE BLOCKS  every block holds its generation at the last recorded flush or a later
                                          one, byte for byte, or zeros where it had none; exit 1 otherwise (DEVICE
                                          may be an image file too)

A block names its number and generation in its first bytes and the rest follows from those, so a block that
holds data never written to it (another block's, a torn mix, garbage) cannot pass.
"""
import hashlib
import mmap
import os
import random
import stat
import struct
import sys

BLOCK = 4096
MAGIC = b"BLOCKGEN"
HEADER = struct.Struct("<8sQQ")


def block_bytes(number, generation):
    header = HEADER.pack(MAGIC, number, generation)
    fill = hashlib.blake2b(header).digest()
    return (header + fill * (BLOCK // len(fill) + 1))[:BLOCK]


def save_state(path, flushes, generations):
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", flushes))
        f.write(struct.pack("<%dQ" % len(generations), *generations))
        f.flush()
        os.fsync(f.fileno())
    os.rename(tmp, path)
    dir_fd = os.open(os.path.dirname(os.path.abspath(path)), os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def load_state(path, blocks):
    with open(path, "rb") as f:
        data = f.read()
    (flushes,) = struct.unpack_from("<Q", data)
    return flushes, list(struct.unpack_from("<%dQ" % blocks, data, 8))


def write(device, state, blocks):
    fd = os.open(device, os.O_RDWR | os.O_DIRECT)
    buf = mmap.mmap(-1, 16 * BLOCK)  # page-aligned, as O_DIRECT wants
    generations = [0] * blocks  # as written, flushed or not
    generation = flushes = 0
    rng = random.Random()
    save_state(state, 0, generations)
    while True:
        for _ in range(8):
            count = rng.randint(1, 16)
            first = rng.randrange(blocks - count + 1)
            generation += 1
            for i in range(count):
                buf[i * BLOCK : (i + 1) * BLOCK] = block_bytes(first + i, generation)
                generations[first + i] = generation
            view = memoryview(buf)[: count * BLOCK]
            if os.pwrite(fd, view, first * BLOCK) != count * BLOCK:
                sys.exit("blockgen: short write at block %d" % first)
            view.release()
        os.fsync(fd)
        flushes += 1
        save_state(state, flushes, generations)


def verify(device, state, blocks):
    flushes, flushed = load_state(state, blocks)
    # a device is read past the page cache; an image file (the store read through nbdkit) as it is
    fd = os.open(device, os.O_RDONLY | (os.O_DIRECT if stat.S_ISBLK(os.stat(device).st_mode) else 0))
    buf = mmap.mmap(-1, 256 * BLOCK)
    zero = bytes(BLOCK)
    bad = []
    at_flush = newer = zeros = 0
    for start in range(0, blocks, 256):
        count = min(256, blocks - start)
        view = memoryview(buf)[: count * BLOCK]
        if os.preadv(fd, [view], start * BLOCK) != count * BLOCK:
            sys.exit("blockgen: short read at block %d" % start)
        view.release()
        for i in range(count):
            number = start + i
            data = buf[i * BLOCK : (i + 1) * BLOCK]
            if data == zero:
                zeros += 1
                if flushed[number] != 0:
                    bad.append("block %d: zeros, but generation %d was flushed" % (number, flushed[number]))
                continue
            magic, named, generation = HEADER.unpack_from(data)
            if magic != MAGIC or named != number or data != block_bytes(number, generation):
                bad.append("block %d: holds data never written to it" % number)
            elif generation < flushed[number]:
                bad.append("block %d: generation %d, but %d was flushed" % (number, generation, flushed[number]))
            elif generation == flushed[number]:
                at_flush += 1
            else:
                newer += 1
    print(
        "blockgen: %d blocks after %d flushes: %d as flushed, %d newer (written after the last flush), %d zeros"
        % (blocks, flushes, at_flush, newer, zeros)
    )
    for line in bad[:10]:
        print("blockgen: " + line)
    if bad:
        sys.exit("blockgen: %d blocks wrong" % len(bad))


if __name__ == "__main__":
    if len(sys.argv) != 5 or sys.argv[1] not in ("write", "verify"):
        sys.exit("usage: blockgen.py write|verify DEVICE STATE BLOCKS")
    {"write": write, "verify": verify}[sys.argv[1]](sys.argv[2], sys.argv[3], int(sys.argv[4]))
