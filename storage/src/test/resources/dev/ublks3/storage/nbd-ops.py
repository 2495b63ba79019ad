# Drives an NBD server over a unix socket for NbdkitInteropTest, with libnbd's Python binding.
# Run with Debian's /usr/bin/python3 (python3-libnbd installs the `nbd` module there, not in other Pythons).
#
# Usage: /usr/bin/python3 nbd-ops.py SOCKET PATTERN-FILE OUT-FILE < OPS
# One request per line of OPS, applied in order, each waited for before the next:
#   write OFFSET LENGTH SRC    pwrite LENGTH bytes of PATTERN-FILE from SRC at OFFSET
#   trim OFFSET LENGTH
#   zero OFFSET LENGTH         write-zeroes with NO_HOLE: the server must write zeros, not trim
#   zero-may-trim OFFSET LENGTH  write-zeroes without NO_HOLE (what a client sends by default)
#   flush
#   read-all CHUNK             the whole device, CHUNK bytes per pread, into OUT-FILE
import sys

import nbd


def main():
    sock, pattern_path, out_path = sys.argv[1:4]
    with open(pattern_path, 'rb') as f:
        pattern = f.read()
    h = nbd.NBD()
    # nbdkit's S3 plugin advertises object-size as its minimum block size, and libnbd in strict mode refuses smaller
    # or unaligned requests; partial-object requests are the point here (nbdkit does the read-modify-write)
    h.set_strict_mode(h.get_strict_mode() & ~nbd.STRICT_ALIGN)
    h.connect_unix(sock)
    for line in sys.stdin:
        words = line.split()
        if not words:
            continue
        op, args = words[0], [int(w) for w in words[1:]]
        if op == 'write':
            offset, length, src = args
            h.pwrite(pattern[src:src + length], offset)
        elif op == 'trim':
            offset, length = args
            h.trim(length, offset)
        elif op == 'zero':
            offset, length = args
            h.zero(length, offset, nbd.CMD_FLAG_NO_HOLE)
        elif op == 'zero-may-trim':
            offset, length = args
            h.zero(length, offset)
        elif op == 'flush':
            h.flush()
        elif op == 'read-all':
            (chunk,) = args
            size = h.get_size()
            with open(out_path, 'wb') as out:
                for offset in range(0, size, chunk):
                    out.write(h.pread(min(chunk, size - offset), offset))
        else:
            raise SystemExit('nbd-ops.py: unknown request: ' + line.strip())
    h.shutdown()


main()
