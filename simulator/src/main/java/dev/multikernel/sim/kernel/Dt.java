package dev.multikernel.sim.kernel;

import dev.multikernel.host.devicetree.DeviceTree;
import dev.multikernel.host.devicetree.DeviceTreeException;
import dev.multikernel.host.devicetree.Fdt;
import dev.multikernel.host.devicetree.Node;
import dev.multikernel.host.devicetree.Property;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Small adapter over the host-executor device-tree codec that reads properties the way the
 * kernel's libfdt calls do (raw lengths, C strings) and turns codec failures into errnos.
 */
final class Dt {
    private Dt() {}

    static final int FDT_MAGIC = 0xd00dfeed;
    static final int FDT_HEADER_SIZE = 40;

    /** {@code fdt_check_header}: enough bytes for a header and the magic. */
    static boolean headerLooksValid(byte[] blob) {
        return blob.length >= FDT_HEADER_SIZE
                && u32(blob, 0) == FDT_MAGIC
                && Integer.toUnsignedLong(u32(blob, 4)) >= FDT_HEADER_SIZE;
    }

    static long totalSize(byte[] blob) {
        return Integer.toUnsignedLong(u32(blob, 4));
    }

    static int u32(byte[] b, int off) {
        return (b[off] & 0xff) << 24 | (b[off + 1] & 0xff) << 16 | (b[off + 2] & 0xff) << 8 | (b[off + 3] & 0xff);
    }

    /** Parses a blob or fails with EINVAL naming why. */
    static DeviceTree parse(byte[] blob, String what) throws KernelError {
        try {
            return Fdt.parse(blob);
        } catch (DeviceTreeException e) {
            throw new KernelError(Errno.EINVAL, "Invalid " + what + ": " + e.getMessage());
        } catch (RuntimeException e) {
            throw new KernelError(Errno.EINVAL, "Invalid " + what + ": " + e);
        }
    }

    static byte[] write(Node root) {
        return Fdt.write(DeviceTree.of(root));
    }

    static Optional<byte[]> raw(Node n, String prop) {
        return n.property(prop).map(Property::value);
    }

    /** A C string property: the bytes up to the first NUL, if the value is NUL-terminated. */
    static Optional<String> cString(Node n, String prop) {
        Optional<byte[]> v = raw(n, prop);
        if (v.isEmpty() || v.get().length == 0 || v.get()[v.get().length - 1] != 0) {
            return Optional.empty();
        }
        byte[] b = v.get();
        int end = 0;
        while (b[end] != 0) {
            end++;
        }
        return Optional.of(new String(b, 0, end, StandardCharsets.UTF_8));
    }

    /** Like {@link #cString} but tolerant of a missing NUL (the kernel reads such strings as is). */
    static Optional<String> looseString(Node n, String prop) {
        Optional<byte[]> v = raw(n, prop);
        if (v.isEmpty()) {
            return Optional.empty();
        }
        byte[] b = v.get();
        int end = 0;
        while (end < b.length && b[end] != 0) {
            end++;
        }
        return Optional.of(new String(b, 0, end, StandardCharsets.UTF_8));
    }

    static long u64At(byte[] b, int off) {
        return (Integer.toUnsignedLong(u32(b, off)) << 32) | Integer.toUnsignedLong(u32(b, off + 4));
    }

    private static final Pattern PCI_ID = Pattern.compile(
            "\\s*(?:0[xX])?([0-9a-fA-F]+):\\s*(?:0[xX])?([0-9a-fA-F]+):\\s*(?:0[xX])?([0-9a-fA-F]+)\\.\\s*(?:0[xX])?([0-9a-fA-F]+).*",
            Pattern.DOTALL);

    /**
     * {@code sscanf(s, "%x:%x:%x.%x")} then the kernel's truncation to u16/u8 and PCI_DEVFN;
     * the canonical "dddd:bb:ss.f" form, or empty if the format does not match.
     */
    static Optional<String> pciId(String s) {
        Matcher m = PCI_ID.matcher(s);
        if (!m.matches()) {
            return Optional.empty();
        }
        try {
            long d = Long.parseLong(last8(m.group(1)), 16) & 0xffff;
            long b = Long.parseLong(last8(m.group(2)), 16) & 0xff;
            long slot = Long.parseLong(last8(m.group(3)), 16) & 0x1f;
            long fn = Long.parseLong(last8(m.group(4)), 16) & 0x7;
            return Optional.of(String.format("%04x:%02x:%02x.%x", d, b, slot, fn));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    private static String last8(String hex) {
        return hex.length() > 8 ? hex.substring(hex.length() - 8) : hex;
    }
}
