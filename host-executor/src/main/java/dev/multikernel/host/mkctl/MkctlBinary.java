package dev.multikernel.host.mkctl;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The mkctl program to put on hosts, with its SHA-256. The build embeds one for linux x86_64
 * ({@link #embedded()}) and, when the cross compiler is there, one for linux aarch64 in this jar.
 */
public final class MkctlBinary {

    /** Machine names as {@code uname -m} prints them. */
    public static final String X86_64 = "x86_64";

    public static final String AARCH64 = "aarch64";
    static final String RESOURCE = "/dev/multikernel/host/mkctl/mkctl-linux-x86_64";
    private static final long MAX_BYTES = 32L << 20;

    private final byte[] content;
    private final String sha256;

    private MkctlBinary(byte[] content, String sha256) {
        this.content = content;
        this.sha256 = sha256;
    }

    /** A binary given as bytes (tests, or a build for another architecture). */
    public static MkctlBinary of(byte[] content) {
        if (content.length == 0) {
            throw new IllegalArgumentException("the mkctl binary is empty");
        }
        return new MkctlBinary(content.clone(), sha256(content));
    }

    /**
     * The binary embedded in this jar, checked against its recorded SHA-256.
     *
     * @throws IllegalStateException when the jar was built without it (a packaging error)
     */
    public static MkctlBinary embedded() {
        return embedded(RESOURCE);
    }

    /** Every embedded binary by machine name, x86_64 first (aarch64 only when the build made it). */
    public static Map<String, MkctlBinary> embeddedAll() {
        Map<String, MkctlBinary> all = new LinkedHashMap<>();
        all.put(X86_64, embedded());
        String aarch64 = "/dev/multikernel/host/mkctl/mkctl-linux-" + AARCH64;
        if (MkctlBinary.class.getResource(aarch64) != null) {
            all.put(AARCH64, embedded(aarch64));
        }
        return all;
    }

    private static MkctlBinary embedded(String name) {
        byte[] bytes = resource(name);
        String recorded = new String(resource(name + ".sha256"), StandardCharsets.US_ASCII).strip();
        String actual = sha256(bytes);
        if (!actual.equals(recorded)) {
            throw new IllegalStateException("the embedded mkctl binary does not match its recorded SHA-256 (" + actual
                    + " vs " + recorded + "): the jar is damaged; rebuild or reinstall it");
        }
        return new MkctlBinary(bytes, actual);
    }

    private static byte[] resource(String name) {
        try (InputStream in = MkctlBinary.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("the mkctl binary " + name + " is not in the class path: this build "
                        + "of host-executor was made without native/ (run the Maven build with make and gcc available), "
                        + "or configure a pre-installed mkctl path");
            }
            byte[] bytes = in.readNBytes((int) MAX_BYTES + 1);
            if (bytes.length > MAX_BYTES) {
                throw new IllegalStateException(name + " is larger than " + MAX_BYTES + " bytes");
            }
            return bytes;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + name + ": " + e.getMessage(), e);
        }
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public byte[] content() {
        return content.clone();
    }

    public int size() {
        return content.length;
    }

    /** Lower-case hex SHA-256. */
    public String sha256() {
        return sha256;
    }

    /** The file name on hosts: {@code mkctl-<first 16 hex digits of the SHA-256>}, so versions coexist. */
    public String fileName() {
        return "mkctl-" + sha256.substring(0, 16);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof MkctlBinary b && Arrays.equals(content, b.content);
    }

    @Override
    public int hashCode() {
        return sha256.hashCode();
    }

    @Override
    public String toString() {
        return "MkctlBinary[" + fileName() + ", " + content.length + " bytes]";
    }
}
