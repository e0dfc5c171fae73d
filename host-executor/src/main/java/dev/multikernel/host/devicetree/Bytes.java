package dev.multikernel.host.devicetree;

/** Big-endian helpers (FDT is big-endian throughout). */
final class Bytes {
    private Bytes() {}

    static int getU32(byte[] b, int off) {
        return ((b[off] & 0xff) << 24) | ((b[off + 1] & 0xff) << 16) | ((b[off + 2] & 0xff) << 8) | (b[off + 3] & 0xff);
    }

    static long getU64(byte[] b, int off) {
        return ((long) getU32(b, off) << 32) | (getU32(b, off + 4) & 0xffffffffL);
    }

    static void putU32(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 24);
        b[off + 1] = (byte) (v >>> 16);
        b[off + 2] = (byte) (v >>> 8);
        b[off + 3] = (byte) v;
    }

    static void putU64(byte[] b, int off, long v) {
        putU32(b, off, (int) (v >>> 32));
        putU32(b, off + 4, (int) v);
    }
}
