package dev.multikernel.host.devicetree;

/**
 * Prints a tree as DTS source in the layout of {@code dtc -I dtb -O dts} (dtc 1.6.1).
 *
 * <p>Each value's type is guessed from its bytes as dtc guesses it: a NUL-terminated run of
 * printable characters (with no more NULs than other characters) is a string ({@code
 * "a\0b"} for a string list), a length that is a multiple of 4 is a list of cells ({@code <0x01
 * 0x1000>}, at least two hex digits), anything else a byte string ({@code [01 02]}). Tabs indent,
 * and a blank line precedes each child node.
 *
 * <p>Differences from dtc's output, both deliberate: an overlay tree (see {@link
 * DeviceTree#isOverlay()}) gets a {@code /plugin/;} line after {@code /dts-v1/;}, and a non-zero
 * boot CPU id is shown in a comment (DTS has no syntax for it; pass {@code dtc -b} to keep it).
 * Compiling the output with {@code dtc -I dts -O dtb} gives back the blob {@link Fdt#write}
 * writes for the same tree (boot CPU id aside).
 */
public final class DtsPrinter {
    private DtsPrinter() {}

    /** The DTS source of {@code tree}, exactly as dtc prints it (plus the notes above). */
    public static String print(DeviceTree tree) {
        return print(tree, false);
    }

    /**
     * Like {@link #print(DeviceTree)} but a string list prints as {@code "a", "b"} rather than
     * dtc's {@code "a\0b"}: easier to read in plans and logs, and dtc compiles both to the same
     * bytes.
     */
    public static String printReadable(DeviceTree tree) {
        return print(tree, true);
    }

    private static String print(DeviceTree tree, boolean readable) {
        StringBuilder sb = new StringBuilder("/dts-v1/;\n");
        if (tree.isOverlay()) {
            sb.append("/plugin/;\n");
        }
        if (tree.bootCpuId() != 0) {
            sb.append("// boot_cpuid_phys: 0x")
                    .append(Integer.toHexString(tree.bootCpuId()))
                    .append('\n');
        }
        sb.append('\n');
        for (MemoryReservation r : tree.reservations()) {
            sb.append(String.format("/memreserve/\t0x%016x 0x%016x;\n", r.address(), r.size()));
        }
        printNode(sb, tree.root(), 0, readable);
        return sb.toString();
    }

    /** The DTS source of one node (and its subtree) at indentation level 0. */
    public static String print(Node node) {
        StringBuilder sb = new StringBuilder();
        printNode(sb, node, 0, false);
        return sb.toString();
    }

    private static void printNode(StringBuilder sb, Node node, int level, boolean readable) {
        indent(sb, level);
        sb.append(node.name().isEmpty() ? "/" : node.name()).append(" {\n");
        for (Property p : node.properties()) {
            indent(sb, level + 1);
            sb.append(p.name());
            appendValue(sb, p.value(), readable);
            sb.append(";\n");
        }
        for (Node child : node.children()) {
            sb.append('\n');
            printNode(sb, child, level + 1, readable);
        }
        indent(sb, level);
        sb.append("};\n");
    }

    private static void indent(StringBuilder sb, int level) {
        for (int i = 0; i < level; i++) {
            sb.append('\t');
        }
    }

    /** Appends {@code " = <value>"} or nothing for an empty value. */
    static void appendValue(StringBuilder sb, byte[] v, boolean readable) {
        if (v.length == 0) {
            return;
        }
        sb.append(" = ");
        if (looksLikeString(v)) {
            if (readable && splitsIntoStrings(v)) {
                int start = 0;
                for (int i = 0; i < v.length; i++) {
                    if (v[i] == 0) {
                        if (start > 0) {
                            sb.append(", ");
                        }
                        appendString(sb, java.util.Arrays.copyOfRange(v, start, i + 1));
                        start = i + 1;
                    }
                }
            } else {
                appendString(sb, v);
            }
        } else if (v.length % 4 == 0) {
            sb.append('<');
            for (int i = 0; i < v.length; i += 4) {
                if (i > 0) {
                    sb.append(' ');
                }
                sb.append(String.format("0x%02x", Bytes.getU32(v, i)));
            }
            sb.append('>');
        } else {
            sb.append('[');
            for (int i = 0; i < v.length; i++) {
                if (i > 0) {
                    sb.append(' ');
                }
                sb.append(String.format("%02x", v[i] & 0xff));
            }
            sb.append(']');
        }
    }

    /** dtc's guess: NUL-terminated, only string characters, NULs not outnumbering the rest. */
    static boolean looksLikeString(byte[] v) {
        if (v.length == 0 || v[v.length - 1] != 0) {
            return false;
        }
        int nuls = 0;
        for (byte b : v) {
            int c = b & 0xff;
            if (c == 0) {
                nuls++;
            } else if (!(isPrint(c) || (c >= 0x07 && c <= 0x0d))) {
                return false;
            }
        }
        return nuls <= v.length - nuls;
    }

    /** True if no string of the list is empty (an empty one reads badly as {@code ""}). */
    private static boolean splitsIntoStrings(byte[] v) {
        if (v[0] == 0) {
            return false;
        }
        for (int i = 1; i < v.length; i++) {
            if (v[i] == 0 && v[i - 1] == 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean isPrint(int c) {
        return c >= 0x20 && c < 0x7f;
    }

    private static void appendString(StringBuilder sb, byte[] v) {
        sb.append('"');
        for (int i = 0; i < v.length - 1; i++) {
            int c = v[i] & 0xff;
            switch (c) {
                case 0x07 -> sb.append("\\a");
                case 0x08 -> sb.append("\\b");
                case '\t' -> sb.append("\\t");
                case '\n' -> sb.append("\\n");
                case 0x0b -> sb.append("\\v");
                case '\f' -> sb.append("\\f");
                case '\r' -> sb.append("\\r");
                case '\\' -> sb.append("\\\\");
                case '"' -> sb.append("\\\"");
                case 0 -> sb.append("\\0");
                default -> {
                    if (isPrint(c)) {
                        sb.append((char) c);
                    } else {
                        sb.append(String.format("\\x%02x", c));
                    }
                }
            }
        }
        sb.append('"');
    }
}
