package dev.multikernel.host.devicetree;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Flattened device tree (FDT, "DTB") codec without dependencies.
 *
 * <p>{@link #write} lays a tree out exactly as {@code dtc -I dts -O dtb} 1.6.1 does with default
 * options: a version 17 header (last compatible 16), the memory reservation map at offset 40
 * (8-byte aligned, ended by a zero entry), the structure block right after it, then the strings
 * block, unpadded. Property names go into the strings block in first-use order in a pre-order
 * walk, and a name that is a suffix of a string already stored (e.g. {@code "cells"} inside
 * {@code "#size-cells"}) reuses that string's tail, as dtc does. So the same tree gives the same
 * bytes as dtc.
 *
 * <p>{@link #parse} accepts versions 16 and 17 (and later versions whose last compatible version
 * is at most 17). It checks every offset and size against the blob, bounds nesting depth and node
 * and property counts ({@link Limits}), and reports any violation as a {@link
 * DeviceTreeException} giving the offset; it never throws an unchecked exception, never loops
 * without consuming input and never allocates more than a small multiple of the blob's size.
 */
public final class Fdt {
    private Fdt() {}

    /** {@code 0xd00dfeed}, the first word of every blob. */
    public static final int MAGIC = 0xd00dfeed;
    /** The version {@link #write} produces. */
    public static final int VERSION = 17;
    /** The last compatible version {@link #write} declares. */
    public static final int LAST_COMPATIBLE_VERSION = 16;

    static final int TOKEN_BEGIN_NODE = 1;
    static final int TOKEN_END_NODE = 2;
    static final int TOKEN_PROP = 3;
    static final int TOKEN_NOP = 4;
    static final int TOKEN_END = 9;

    static final int HEADER_SIZE_V17 = 40;
    static final int HEADER_SIZE_V16 = 36;

    /**
     * Bounds applied while parsing, so that a hostile blob cannot exhaust the stack or the heap.
     *
     * @param maxDepth deepest node nesting accepted (the root is depth 1)
     * @param maxNodes most nodes accepted in total
     * @param maxProperties most properties accepted in total
     * @param maxReservations most memory reservation entries accepted
     */
    public record Limits(int maxDepth, int maxNodes, int maxProperties, int maxReservations) {
        /** Depth 64, 65536 nodes, 262144 properties, 4096 reservations. */
        public static final Limits DEFAULT = new Limits(64, 65_536, 262_144, 4096);

        public Limits {
            if (maxDepth < 1 || maxNodes < 1 || maxProperties < 0 || maxReservations < 0) {
                throw new IllegalArgumentException("limits must be positive: " + maxDepth + ", " + maxNodes + ", "
                        + maxProperties + ", " + maxReservations);
            }
        }
    }

    // ================================================================= parse

    /** Parses a blob with {@link Limits#DEFAULT}. */
    public static DeviceTree parse(byte[] blob) throws DeviceTreeException {
        return parse(blob, Limits.DEFAULT);
    }

    /**
     * Parses a blob that must be exactly {@code totalsize} bytes long, as the multikernel kernel
     * requires of a baseline write (a size mismatch is {@code EINVAL} there).
     */
    public static DeviceTree parseExact(byte[] blob) throws DeviceTreeException {
        DeviceTree tree = parse(blob, Limits.DEFAULT);
        long total = Bytes.getU32(blob, 4) & 0xffffffffL;
        if (total != blob.length) {
            throw new DeviceTreeException(
                    "blob is " + blob.length + " bytes but its header says" + " totalsize " + total);
        }
        return tree;
    }

    /**
     * Parses a blob. Bytes after {@code totalsize} are ignored.
     *
     * @throws DeviceTreeException if the blob is not a well-formed FDT within {@code limits}
     */
    public static DeviceTree parse(byte[] blob, Limits limits) throws DeviceTreeException {
        if (blob == null) {
            throw new DeviceTreeException("device tree blob is null");
        }
        return new Parser(blob, limits).parse();
    }

    private static final class Parser {
        private final byte[] b;
        private final Limits limits;
        private long structStart;
        private long structEnd;
        private long stringsStart;
        private long stringsSize;
        private int nodeCount;
        private int propertyCount;
        private final Map<Integer, String> nameCache = new HashMap<>();

        Parser(byte[] blob, Limits limits) {
            this.b = blob;
            this.limits = limits;
        }

        private long u32(long off) {
            return Bytes.getU32(b, (int) off) & 0xffffffffL;
        }

        DeviceTree parse() throws DeviceTreeException {
            if (b.length < HEADER_SIZE_V16) {
                throw new DeviceTreeException(
                        "blob too short for an FDT header: " + b.length + " bytes, need at least " + HEADER_SIZE_V16);
            }
            int magic = Bytes.getU32(b, 0);
            if (magic != MAGIC) {
                throw new DeviceTreeException(String.format(
                        "bad magic 0x%08x at offset 0, expected 0x%08x (not a flattened device tree)", magic, MAGIC));
            }
            long totalSize = u32(4);
            long offStruct = u32(8);
            long offStrings = u32(12);
            long offRsvmap = u32(16);
            long version = u32(20);
            long lastComp = u32(24);
            int bootCpu = Bytes.getU32(b, 28);
            long sizeStrings = u32(32);

            if (version < 16) {
                throw new DeviceTreeException("unsupported FDT version " + version
                        + " (header offset 20); only versions 16 and 17 are supported");
            }
            if (lastComp > VERSION) {
                throw new DeviceTreeException("FDT version " + version + " is only compatible back to " + "version "
                        + lastComp + " (header offset 24); this reader understands version 17");
            }
            if (lastComp > version) {
                throw new DeviceTreeException(
                        "last compatible version " + lastComp + " is newer than the version " + version);
            }
            int headerSize = version >= 17 ? HEADER_SIZE_V17 : HEADER_SIZE_V16;
            if (b.length < headerSize) {
                throw new DeviceTreeException("blob too short for a version " + version + " header: " + b.length
                        + " bytes, need " + headerSize);
            }
            if (totalSize < headerSize) {
                throw new DeviceTreeException(
                        "totalsize " + totalSize + " is smaller than the header (" + headerSize + " bytes)");
            }
            if (totalSize > b.length) {
                throw new DeviceTreeException(
                        "totalsize " + totalSize + " exceeds the blob length " + b.length + " (truncated blob?)");
            }
            long sizeStruct;
            if (version >= 17) {
                sizeStruct = u32(36);
            } else {
                // Version 16 has no struct size: the block runs to the strings block or the end.
                long limit = offStrings > offStruct ? offStrings : totalSize;
                sizeStruct = Math.max(0, limit - offStruct);
            }

            checkBlock("structure block", offStruct, sizeStruct, headerSize, totalSize);
            checkBlock("strings block", offStrings, sizeStrings, headerSize, totalSize);
            if (offStruct % 4 != 0) {
                throw new DeviceTreeException("off_dt_struct " + offStruct + " is not 4-byte aligned");
            }
            if (offRsvmap % 8 != 0) {
                throw new DeviceTreeException("off_mem_rsvmap " + offRsvmap + " is not 8-byte aligned");
            }
            if (offRsvmap < headerSize || offRsvmap > totalSize) {
                throw new DeviceTreeException(
                        "off_mem_rsvmap " + offRsvmap + " lies outside " + headerSize + ".." + totalSize);
            }
            if (overlap(offStruct, sizeStruct, offStrings, sizeStrings)) {
                throw new DeviceTreeException("structure block " + range(offStruct, sizeStruct)
                        + " overlaps strings block " + range(offStrings, sizeStrings));
            }

            List<MemoryReservation> reservations = readReservations(offRsvmap, totalSize);
            long rsvSize = (reservations.size() + 1L) * 16;
            if (overlap(offRsvmap, rsvSize, offStruct, sizeStruct)) {
                throw new DeviceTreeException("memory reservation map " + range(offRsvmap, rsvSize)
                        + " overlaps structure block " + range(offStruct, sizeStruct));
            }
            if (overlap(offRsvmap, rsvSize, offStrings, sizeStrings)) {
                throw new DeviceTreeException("memory reservation map " + range(offRsvmap, rsvSize)
                        + " overlaps strings block " + range(offStrings, sizeStrings));
            }

            structStart = offStruct;
            structEnd = offStruct + sizeStruct;
            stringsStart = offStrings;
            stringsSize = sizeStrings;
            Node root = readStructure();
            return new DeviceTree(reservations, root, bootCpu);
        }

        private static boolean overlap(long aOff, long aSize, long bOff, long bSize) {
            if (aSize == 0 || bSize == 0) {
                return false;
            }
            return aOff < bOff + bSize && bOff < aOff + aSize;
        }

        private static String range(long off, long size) {
            return "[" + off + ", " + (off + size) + ")";
        }

        private static void checkBlock(String what, long off, long size, int headerSize, long total)
                throws DeviceTreeException {
            if (off < headerSize) {
                throw new DeviceTreeException(what + " offset " + off + " lies inside the header");
            }
            if (off > total || size > total - off) {
                throw new DeviceTreeException(what + " " + range(off, size) + " extends past totalsize " + total);
            }
        }

        private List<MemoryReservation> readReservations(long off, long total) throws DeviceTreeException {
            List<MemoryReservation> out = new ArrayList<>();
            long p = off;
            while (true) {
                if (p + 16 > total) {
                    throw new DeviceTreeException("memory reservation map starting at " + off
                            + " has no terminating zero entry before totalsize " + total);
                }
                long address = Bytes.getU64(b, (int) p);
                long size = Bytes.getU64(b, (int) p + 8);
                if (address == 0 && size == 0) {
                    return List.copyOf(out);
                }
                if (out.size() >= limits.maxReservations()) {
                    throw new DeviceTreeException(
                            "more than " + limits.maxReservations() + " memory reservation entries");
                }
                out.add(new MemoryReservation(address, size));
                p += 16;
            }
        }

        /** Mutable node under construction. */
        private static final class Pending {
            final String name;
            final long offset;
            final String path;
            final List<Property> properties = new ArrayList<>();
            final Set<String> propertyNames = new HashSet<>();
            final List<Node> children = new ArrayList<>();
            final Set<String> childNames = new HashSet<>();

            Pending(String name, long offset, String path) {
                this.name = name;
                this.offset = offset;
                this.path = path;
            }
        }

        private Node readStructure() throws DeviceTreeException {
            Deque<Pending> stack = new ArrayDeque<>();
            Node root = null;
            long p = structStart;
            while (true) {
                if (p + 4 > structEnd) {
                    throw new DeviceTreeException("structure block ends at offset " + structEnd
                            + " without an FDT_END token"
                            + (stack.isEmpty() ? "" : " (inside node " + stack.peek().path + ")"));
                }
                long tokenOffset = p;
                int token = Bytes.getU32(b, (int) p);
                p += 4;
                switch (token) {
                    case TOKEN_NOP:
                        break;
                    case TOKEN_BEGIN_NODE: {
                        if (root != null) {
                            throw new DeviceTreeException("second top-level node at offset " + tokenOffset
                                    + " after the root node was closed");
                        }
                        long nameEnd = findNul(p, structEnd);
                        if (nameEnd < 0) {
                            throw new DeviceTreeException(
                                    "node name at offset " + p + " is not NUL-terminated inside the structure block");
                        }
                        String name = new String(b, (int) p, (int) (nameEnd - p), StandardCharsets.ISO_8859_1);
                        p = align4(nameEnd + 1);
                        if (stack.size() >= limits.maxDepth()) {
                            throw new DeviceTreeException("nodes nested deeper than " + limits.maxDepth()
                                    + " levels at offset " + tokenOffset + " (inside " + stack.peek().path + ")");
                        }
                        if (++nodeCount > limits.maxNodes()) {
                            throw new DeviceTreeException("more than " + limits.maxNodes() + " nodes");
                        }
                        String path;
                        if (stack.isEmpty()) {
                            if (!name.isEmpty()) {
                                throw new DeviceTreeException("root node at offset " + tokenOffset + " has name "
                                        + Names.quote(name) + "; version 16+ roots are unnamed");
                            }
                            path = "/";
                        } else {
                            String problem = Names.problem(name);
                            Pending parent = stack.peek();
                            if (problem != null) {
                                throw new DeviceTreeException("invalid node name " + Names.quote(name) + " at offset "
                                        + tokenOffset + " under " + parent.path + ": " + problem);
                            }
                            if (!parent.childNames.add(name)) {
                                throw new DeviceTreeException("node " + parent.path + " has two children named "
                                        + Names.quote(name) + " (second at offset " + tokenOffset + ")");
                            }
                            path = (parent.path.equals("/") ? "/" : parent.path + "/") + name;
                        }
                        if (p > structEnd) {
                            throw new DeviceTreeException(
                                    "node name padding at offset " + nameEnd + " runs past the structure block");
                        }
                        stack.push(new Pending(name, tokenOffset, path));
                        break;
                    }
                    case TOKEN_END_NODE: {
                        if (stack.isEmpty()) {
                            throw new DeviceTreeException(
                                    "FDT_END_NODE at offset " + tokenOffset + " without an open node");
                        }
                        Pending done = stack.pop();
                        Node node = new Node(done.name, done.properties, done.children);
                        if (stack.isEmpty()) {
                            root = node;
                        } else {
                            stack.peek().children.add(node);
                        }
                        break;
                    }
                    case TOKEN_PROP: {
                        if (stack.isEmpty()) {
                            throw new DeviceTreeException("property at offset " + tokenOffset + " outside any node");
                        }
                        Pending node = stack.peek();
                        if (p + 8 > structEnd) {
                            throw new DeviceTreeException(
                                    "property header at offset " + tokenOffset + " runs past the structure block");
                        }
                        long len = u32(p);
                        long nameOff = u32(p + 4);
                        p += 8;
                        if (len > structEnd - p) {
                            throw new DeviceTreeException("property at offset " + tokenOffset + " in " + node.path
                                    + " has length " + len + " which runs past the structure block");
                        }
                        String name = propertyName(nameOff, tokenOffset, node.path);
                        if (!node.children.isEmpty()) {
                            throw new DeviceTreeException("property " + Names.quote(name) + " of " + node.path
                                    + " at offset " + tokenOffset + " comes after a child node");
                        }
                        if (!node.propertyNames.add(name)) {
                            throw new DeviceTreeException("node " + node.path + " has property " + Names.quote(name)
                                    + " twice (second at offset " + tokenOffset + ")");
                        }
                        if (++propertyCount > limits.maxProperties()) {
                            throw new DeviceTreeException("more than " + limits.maxProperties() + " properties");
                        }
                        byte[] value = new byte[(int) len];
                        System.arraycopy(b, (int) p, value, 0, (int) len);
                        p = align4(p + len);
                        if (p > structEnd) {
                            throw new DeviceTreeException("property value padding at offset " + tokenOffset
                                    + " runs past the structure block");
                        }
                        node.properties.add(new Property(name, value));
                        break;
                    }
                    case TOKEN_END: {
                        if (!stack.isEmpty()) {
                            throw new DeviceTreeException("FDT_END at offset " + tokenOffset + " while node "
                                    + stack.peek().path + " is still open (missing FDT_END_NODE)");
                        }
                        if (root == null) {
                            throw new DeviceTreeException("structure block has no root node");
                        }
                        return root;
                    }
                    default:
                        throw new DeviceTreeException(
                                String.format("unknown structure token 0x%08x at offset %d", token, tokenOffset));
                }
            }
        }

        private String propertyName(long nameOff, long tokenOffset, String path) throws DeviceTreeException {
            if (nameOff >= stringsSize) {
                throw new DeviceTreeException("property at offset " + tokenOffset + " in " + path
                        + " has name offset " + nameOff + " outside the strings block (size "
                        + stringsSize + ")");
            }
            String cached = nameCache.get((int) nameOff);
            if (cached != null) {
                return cached;
            }
            long start = stringsStart + nameOff;
            long end = findNul(start, stringsStart + stringsSize);
            if (end < 0) {
                throw new DeviceTreeException("property name at strings offset " + nameOff
                        + " (property at offset " + tokenOffset + " in " + path
                        + ") is not NUL-terminated inside the strings block");
            }
            String name = new String(b, (int) start, (int) (end - start), StandardCharsets.ISO_8859_1);
            String problem = Names.problem(name);
            if (problem != null) {
                throw new DeviceTreeException("invalid property name " + Names.quote(name) + " at offset " + tokenOffset
                        + " in " + path + ": " + problem);
            }
            nameCache.put((int) nameOff, name);
            return name;
        }

        private long findNul(long from, long end) {
            for (long i = from; i < end; i++) {
                if (b[(int) i] == 0) {
                    return i;
                }
            }
            return -1;
        }
    }

    private static long align4(long v) {
        return (v + 3) & ~3L;
    }

    // ================================================================= write

    /** Serialises {@code tree} the way dtc 1.6.1 lays out a blob (see the class comment). */
    public static byte[] write(DeviceTree tree) {
        ByteArrayOutputStream structure = new ByteArrayOutputStream();
        StringTable strings = new StringTable();
        writeNode(tree.root(), structure, strings);
        writeU32(structure, TOKEN_END);
        byte[] struct = structure.toByteArray();
        byte[] str = strings.bytes();

        int offRsvmap = HEADER_SIZE_V17; // already 8-byte aligned, as dtc requires
        int rsvSize = (tree.reservations().size() + 1) * 16;
        int offStruct = offRsvmap + rsvSize;
        int offStrings = offStruct + struct.length;
        int total = offStrings + str.length;

        byte[] out = new byte[total];
        Bytes.putU32(out, 0, MAGIC);
        Bytes.putU32(out, 4, total);
        Bytes.putU32(out, 8, offStruct);
        Bytes.putU32(out, 12, offStrings);
        Bytes.putU32(out, 16, offRsvmap);
        Bytes.putU32(out, 20, VERSION);
        Bytes.putU32(out, 24, LAST_COMPATIBLE_VERSION);
        Bytes.putU32(out, 28, tree.bootCpuId());
        Bytes.putU32(out, 32, str.length);
        Bytes.putU32(out, 36, struct.length);
        int p = offRsvmap;
        for (MemoryReservation r : tree.reservations()) {
            Bytes.putU64(out, p, r.address());
            Bytes.putU64(out, p + 8, r.size());
            p += 16;
        }
        System.arraycopy(struct, 0, out, offStruct, struct.length);
        System.arraycopy(str, 0, out, offStrings, str.length);
        return out;
    }

    private static void writeNode(Node node, ByteArrayOutputStream out, StringTable strings) {
        writeU32(out, TOKEN_BEGIN_NODE);
        byte[] name = node.name().getBytes(StandardCharsets.US_ASCII);
        out.write(name, 0, name.length);
        out.write(0);
        pad(out, name.length + 1);
        for (Property prop : node.properties()) {
            byte[] value = prop.value();
            writeU32(out, TOKEN_PROP);
            writeU32(out, value.length);
            writeU32(out, strings.offsetOf(prop.name()));
            out.write(value, 0, value.length);
            pad(out, value.length);
        }
        for (Node child : node.children()) {
            writeNode(child, out, strings);
        }
        writeU32(out, TOKEN_END_NODE);
    }

    /** Zero padding after {@code written} bytes so that the next token is 4-byte aligned. */
    private static void pad(ByteArrayOutputStream out, int written) {
        int pad = (4 - (written % 4)) % 4;
        for (int i = 0; i < pad; i++) {
            out.write(0);
        }
    }

    private static void writeU32(ByteArrayOutputStream out, int v) {
        out.write(v >>> 24);
        out.write(v >>> 16);
        out.write(v >>> 8);
        out.write(v);
    }

    /**
     * dtc's strings table: a name that is the tail of a stored string reuses it.
     *
     * <p>dtc searches the whole table for every name (quadratic). Here every suffix of every stored
     * string is indexed by a hash computed from the end, so a lookup costs the name's length; a
     * hash collision is caught by comparing the text and falls back to the linear search, so the
     * result is always dtc's: the first offset at which the table holds {@code name + NUL}.
     */
    private static final class StringTable {
        private static final long BASE = 1_000_003L;
        private final ByteArrayOutputStream data = new ByteArrayOutputStream();
        private final Map<String, Integer> offsets = new HashMap<>();
        private final Map<Long, Integer> suffixes = new HashMap<>();
        private final StringBuilder text = new StringBuilder();

        int offsetOf(String name) {
            Integer known = offsets.get(name);
            if (known != null) {
                return known;
            }
            int offset = -1;
            Integer candidate = suffixes.get(suffixHash(name, name.length()));
            if (candidate != null && matchesAt(candidate, name)) {
                offset = candidate;
            } else if (candidate != null) {
                offset = text.indexOf(name + '\0'); // hash collision: search like dtc
            }
            if (offset < 0) {
                offset = text.length();
                text.append(name).append('\0');
                byte[] bytes = name.getBytes(StandardCharsets.US_ASCII);
                data.write(bytes, 0, bytes.length);
                data.write(0);
                long hash = 0;
                long power = 1;
                for (int k = 1; k <= name.length(); k++) {
                    hash += name.charAt(name.length() - k) * power;
                    power *= BASE;
                    suffixes.putIfAbsent(hash, offset + name.length() - k);
                }
            }
            offsets.put(name, offset);
            return offset;
        }

        private static long suffixHash(String s, int length) {
            long hash = 0;
            long power = 1;
            for (int k = 1; k <= length; k++) {
                hash += s.charAt(s.length() - k) * power;
                power *= BASE;
            }
            return hash;
        }

        private boolean matchesAt(int offset, String name) {
            int end = offset + name.length();
            if (end >= text.length() || text.charAt(end) != '\0') {
                return false;
            }
            for (int i = 0; i < name.length(); i++) {
                if (text.charAt(offset + i) != name.charAt(i)) {
                    return false;
                }
            }
            return true;
        }

        byte[] bytes() {
            return data.toByteArray();
        }
    }
}
