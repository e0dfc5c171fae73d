package dev.multikernel.host.mkctl;

import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;

/**
 * A device-tree blob sent to mkctl on stdin: never empty, immutable, compared by content and
 * printed by size (the bytes themselves say nothing to a reader of a log).
 */
public final class Blob {
    private final byte[] bytes;

    private Blob(byte[] bytes) {
        this.bytes = bytes;
    }

    /** @param what what the blob is, for the error message ("baseline DTB") */
    public static Blob of(byte[] bytes, String what) {
        Objects.requireNonNull(bytes, what);
        if (bytes.length == 0) {
            throw new IllegalArgumentException(what + " must not be empty");
        }
        return new Blob(bytes.clone());
    }

    public byte[] bytes() {
        return bytes.clone();
    }

    public int length() {
        return bytes.length;
    }

    public String base64() {
        return Base64.getEncoder().encodeToString(bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Blob b && Arrays.equals(bytes, b.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return bytes.length + " bytes";
    }
}
