package dev.multikernel.sim.kernel;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The simulated machine: CPUs (logical id, x86 APIC id, NUMA node), RAM ranges, PCI devices,
 * the CPUs the host never gives away, and the host kernel's command line (which carries the
 * RFC v2 {@code mkkernel_pool=} boot parameter, reference §3).
 *
 * <p>The kernel speaks APIC ids in the current tree and logical ids in RFC v2 (reference §0),
 * so every CPU has both and they differ in {@link #defaults()}.
 */
public record HostTopology(
        List<Cpu> cpus,
        List<MemoryRegion> memory,
        List<PciDevice> devices,
        Set<Integer> reservedCpus,
        String kernelCommandLine) {

    /** Highest NUMA node id + 1 the model accepts (x86_64 {@code MAX_NUMNODES} with NODES_SHIFT=6). */
    public static final int MAX_NUMNODES = 64;

    public static final long PAGE_SIZE = 4096;
    private static final int MAX_CPUS = 8192;
    private static final int MAX_ITEMS = 4096;
    private static final Pattern PCI_ADDRESS = Pattern.compile("[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\\.[0-7]");
    private static final Pattern VENDOR_DEVICE = Pattern.compile("[0-9a-f]{4}:[0-9a-f]{4}");

    public record Cpu(int logicalId, int apicId, int numaNode) {}

    public record MemoryRegion(long base, long size, int numaNode) {
        public long end() {
            return base + size;
        }
    }

    /** A PCI function; {@code vendorDevice} is "vvvv:dddd" in lower-case hex, as lspci -n prints. */
    public record PciDevice(String address, String vendorDevice, int numaNode) {
        public int vendorId() {
            return Integer.parseInt(vendorDevice.substring(0, 4), 16);
        }

        public int deviceId() {
            return Integer.parseInt(vendorDevice.substring(5), 16);
        }
    }

    public HostTopology {
        cpus = List.copyOf(cpus);
        memory = List.copyOf(memory);
        devices = List.copyOf(devices);
        reservedCpus = Set.copyOf(reservedCpus);
        kernelCommandLine = kernelCommandLine == null ? "" : kernelCommandLine;
        validate(cpus, memory, devices, reservedCpus, kernelCommandLine);
    }

    /** Without an explicit host command line (no RFC v2 pool). */
    public HostTopology(List<Cpu> cpus, List<MemoryRegion> memory, List<PciDevice> devices, Set<Integer> reservedCpus) {
        this(cpus, memory, devices, reservedCpus, "");
    }

    /**
     * 8 CPUs on 2 NUMA nodes (APIC ids 0,2,4,6 and 16,18,20,22), 16 GiB of RAM around a
     * 1 GiB PCI hole below 4 GiB (node 0: 8 GiB, node 1: 8 GiB from 9 GiB), a NIC and an NVMe drive, CPU 0 reserved, and a 4 GiB
     * RFC v2 pool on the command line.
     */
    public static HostTopology defaults() {
        List<Cpu> cpus = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            int node = i < 4 ? 0 : 1;
            cpus.add(new Cpu(i, node * 16 + (i % 4) * 2, node));
        }
        long gib = 1L << 30;
        List<MemoryRegion> memory = List.of(
                new MemoryRegion(0, 3 * gib, 0),
                new MemoryRegion(4 * gib, 5 * gib, 0),
                new MemoryRegion(9 * gib, 8 * gib, 1));
        List<PciDevice> devices =
                List.of(new PciDevice("0000:01:00.0", "8086:1533", 0), new PciDevice("0000:81:00.0", "144d:a808", 1));
        return new HostTopology(
                cpus,
                memory,
                devices,
                Set.of(0),
                "BOOT_IMAGE=/boot/vmlinuz root=/dev/sda1 console=ttyS0,115200 mkkernel_pool=4G");
    }

    public Optional<Cpu> cpuByLogicalId(int logicalId) {
        return cpus.stream().filter(c -> c.logicalId() == logicalId).findFirst();
    }

    public Optional<Cpu> cpuByApicId(long apicId) {
        return cpus.stream().filter(c -> c.apicId() == apicId).findFirst();
    }

    public Optional<PciDevice> deviceByAddress(String address) {
        return devices.stream().filter(d -> d.address().equals(address)).findFirst();
    }

    /** Total RAM in bytes. */
    public long totalMemory() {
        return memory.stream().mapToLong(MemoryRegion::size).sum();
    }

    /** NUMA nodes that have CPUs or memory, ascending. */
    public Set<Integer> numaNodes() {
        Set<Integer> nodes = new TreeSet<>();
        cpus.forEach(c -> nodes.add(c.numaNode()));
        memory.forEach(m -> nodes.add(m.numaNode()));
        return nodes;
    }

    /** Highest logical CPU id + 1: the kernel's {@code nr_cpu_ids}. */
    public int nrCpuIds() {
        return cpus.stream().mapToInt(Cpu::logicalId).max().orElse(-1) + 1;
    }

    private static void validate(
            List<Cpu> cpus, List<MemoryRegion> memory, List<PciDevice> devices, Set<Integer> reserved, String cmdline) {
        require(!cpus.isEmpty(), "topology needs at least one CPU");
        require(cpus.size() <= MAX_CPUS, "topology has " + cpus.size() + " CPUs; at most " + MAX_CPUS);
        require(!memory.isEmpty(), "topology needs at least one memory region");
        require(
                memory.size() <= MAX_ITEMS && devices.size() <= MAX_ITEMS,
                "topology has too many memory regions or devices (at most " + MAX_ITEMS + " each)");
        Set<Integer> logical = new HashSet<>();
        Set<Integer> apic = new HashSet<>();
        for (Cpu c : cpus) {
            require(
                    c.logicalId() >= 0 && c.logicalId() < MAX_CPUS,
                    "CPU logical id " + c.logicalId() + " is out of range 0.." + (MAX_CPUS - 1));
            require(c.apicId() >= 0, "CPU " + c.logicalId() + " has a negative APIC id");
            require(logical.add(c.logicalId()), "CPU logical id " + c.logicalId() + " appears twice");
            require(apic.add(c.apicId()), "APIC id " + c.apicId() + " appears twice");
            requireNode(c.numaNode(), "CPU " + c.logicalId());
        }
        List<MemoryRegion> sorted = new ArrayList<>(memory);
        sorted.sort(Comparator.comparingLong(MemoryRegion::base));
        long previousEnd = 0;
        for (MemoryRegion m : sorted) {
            require(
                    m.base() >= 0 && m.size() > 0,
                    "memory region at 0x" + Long.toHexString(m.base())
                            + " needs a non-negative base and a positive size");
            require(
                    m.base() % PAGE_SIZE == 0 && m.size() % PAGE_SIZE == 0,
                    "memory region at 0x" + Long.toHexString(m.base()) + " is not 4 KiB aligned");
            require(
                    m.base() + m.size() > m.base(),
                    "memory region at 0x" + Long.toHexString(m.base()) + " overflows 64 bits");
            require(
                    m.base() >= previousEnd,
                    "memory region at 0x" + Long.toHexString(m.base()) + " overlaps the previous one");
            requireNode(m.numaNode(), "memory region at 0x" + Long.toHexString(m.base()));
            previousEnd = m.end();
        }
        Set<String> addresses = new HashSet<>();
        for (PciDevice d : devices) {
            require(
                    d.address() != null && PCI_ADDRESS.matcher(d.address()).matches(),
                    "PCI address '" + d.address() + "' must look like 0000:01:00.0 (lower-case hex)");
            require(
                    d.vendorDevice() != null
                            && VENDOR_DEVICE.matcher(d.vendorDevice()).matches(),
                    "PCI device " + d.address() + " needs vendorDevice like 8086:1533 (lower-case hex)");
            require(addresses.add(d.address()), "PCI address " + d.address() + " appears twice");
            requireNode(d.numaNode(), "PCI device " + d.address());
        }
        for (int r : reserved) {
            require(logical.contains(r), "reserved CPU " + r + " is not a logical CPU of this topology");
        }
        require(
                reserved.size() < cpus.size() || cpus.size() == 1,
                "every CPU is reserved; leave at least one CPU to give away");
        require(
                cmdline.length() <= 2048 && cmdline.chars().noneMatch(ch -> ch < 0x20 || ch > 0x7e),
                "kernel command line must be printable ASCII of at most 2048 characters");
    }

    private static void requireNode(int node, String what) {
        require(
                node >= 0 && node < MAX_NUMNODES,
                what + " has NUMA node " + node + "; must be 0.." + (MAX_NUMNODES - 1));
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    // ---------------------------------------------------------------- JSON

    private static final int MAX_JSON_CHARS = 4 << 20;
    private static final ObjectMapper MAPPER = new ObjectMapper();

    static {
        MAPPER.getFactory()
                .setStreamReadConstraints(StreamReadConstraints.builder()
                        .maxNestingDepth(16)
                        .maxStringLength(1 << 16)
                        .maxNumberLength(32)
                        .build());
    }

    /**
     * Parses the topology file format:
     * <pre>{@code
     * { "cpus": [ {"logicalId": 0, "apicId": 0, "numaNode": 0}, ... ],
     *   "memory": [ {"base": "0x100000000", "size": "4G", "numaNode": 0}, ... ],
     *   "devices": [ {"address": "0000:01:00.0", "vendorDevice": "8086:1533", "numaNode": 0} ],
     *   "reservedCpus": [0],
     *   "kernelCommandLine": "... mkkernel_pool=4G" }
     * }</pre>
     * Numbers for base/size may be JSON integers, "0x..." hex strings, or sizes with a K/M/G/T
     * suffix. "devices", "reservedCpus" and "kernelCommandLine" are optional.
     *
     * @throws IllegalArgumentException with a message naming the bad field
     */
    public static HostTopology parse(String json) {
        if (json == null || json.length() > MAX_JSON_CHARS) {
            throw new IllegalArgumentException("topology JSON is missing or larger than 4 MiB");
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("topology is not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("topology JSON must be an object");
        }
        rejectUnknown(root, "topology", Set.of("cpus", "memory", "devices", "reservedCpus", "kernelCommandLine"));
        List<Cpu> cpus = new ArrayList<>();
        for (JsonNode n : array(root, "cpus", true)) {
            rejectUnknown(n, "cpus[]", Set.of("logicalId", "apicId", "numaNode"));
            cpus.add(new Cpu(
                    intField(n, "logicalId", "cpus[]"),
                    intField(n, "apicId", "cpus[]"),
                    intField(n, "numaNode", "cpus[]")));
        }
        List<MemoryRegion> memory = new ArrayList<>();
        for (JsonNode n : array(root, "memory", true)) {
            rejectUnknown(n, "memory[]", Set.of("base", "size", "numaNode"));
            memory.add(
                    new MemoryRegion(longField(n, "base"), longField(n, "size"), intField(n, "numaNode", "memory[]")));
        }
        List<PciDevice> devices = new ArrayList<>();
        for (JsonNode n : array(root, "devices", false)) {
            rejectUnknown(n, "devices[]", Set.of("address", "vendorDevice", "numaNode"));
            devices.add(new PciDevice(
                    textField(n, "address", "devices[]").toLowerCase(Locale.ROOT),
                    textField(n, "vendorDevice", "devices[]").toLowerCase(Locale.ROOT),
                    intField(n, "numaNode", "devices[]")));
        }
        Set<Integer> reserved = new LinkedHashSet<>();
        JsonNode reservedNode = root.get("reservedCpus");
        if (reservedNode == null) {
            reserved.add(0);
        } else {
            for (JsonNode n : array(root, "reservedCpus", false)) {
                if (!n.canConvertToInt() || !n.isIntegralNumber()) {
                    throw new IllegalArgumentException("reservedCpus must hold logical CPU numbers");
                }
                reserved.add(n.intValue());
            }
        }
        JsonNode cmd = root.get("kernelCommandLine");
        if (cmd != null && !cmd.isTextual()) {
            throw new IllegalArgumentException("kernelCommandLine must be a string");
        }
        return new HostTopology(cpus, memory, devices, reserved, cmd == null ? "" : cmd.asText());
    }

    /** The {@link #parse} format, with addresses and sizes as hex strings. */
    public String toJson() {
        ObjectNode root = MAPPER.createObjectNode();
        ArrayNode c = root.putArray("cpus");
        for (Cpu cpu : cpus) {
            c.addObject()
                    .put("logicalId", cpu.logicalId())
                    .put("apicId", cpu.apicId())
                    .put("numaNode", cpu.numaNode());
        }
        ArrayNode m = root.putArray("memory");
        for (MemoryRegion r : memory) {
            m.addObject()
                    .put("base", "0x" + Long.toHexString(r.base()))
                    .put("size", "0x" + Long.toHexString(r.size()))
                    .put("numaNode", r.numaNode());
        }
        ArrayNode d = root.putArray("devices");
        for (PciDevice dev : devices) {
            d.addObject()
                    .put("address", dev.address())
                    .put("vendorDevice", dev.vendorDevice())
                    .put("numaNode", dev.numaNode());
        }
        ArrayNode r = root.putArray("reservedCpus");
        new TreeSet<>(reservedCpus).forEach(r::add);
        root.put("kernelCommandLine", kernelCommandLine);
        try {
            return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise topology", e);
        }
    }

    private static Iterable<JsonNode> array(JsonNode root, String field, boolean required) {
        JsonNode n = root.get(field);
        if (n == null) {
            if (required) {
                throw new IllegalArgumentException("topology needs a \"" + field + "\" array");
            }
            return List.of();
        }
        if (!n.isArray()) {
            throw new IllegalArgumentException("\"" + field + "\" must be an array");
        }
        if (n.size() > MAX_CPUS) {
            throw new IllegalArgumentException("\"" + field + "\" has more than " + MAX_CPUS + " entries");
        }
        return n;
    }

    private static void rejectUnknown(JsonNode n, String where, Set<String> known) {
        if (!n.isObject()) {
            throw new IllegalArgumentException(where + " entries must be objects");
        }
        Iterator<Map.Entry<String, JsonNode>> it = n.properties().iterator();
        while (it.hasNext()) {
            String name = it.next().getKey();
            if (!known.contains(name)) {
                throw new IllegalArgumentException(
                        where + " has unknown field \"" + name + "\"; known fields: " + new TreeSet<>(known));
            }
        }
    }

    private static int intField(JsonNode n, String field, String where) {
        JsonNode v = n.get(field);
        if (v == null || !v.isIntegralNumber() || !v.canConvertToInt()) {
            throw new IllegalArgumentException(where + " needs an integer \"" + field + "\"");
        }
        return v.intValue();
    }

    private static String textField(JsonNode n, String field, String where) {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual()) {
            throw new IllegalArgumentException(where + " needs a string \"" + field + "\"");
        }
        return v.asText();
    }

    private static long longField(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null) {
            throw new IllegalArgumentException("memory[] needs \"" + field + "\"");
        }
        if (v.isIntegralNumber() && v.canConvertToLong()) {
            return v.longValue();
        }
        if (v.isTextual()) {
            return parseSize(v.asText(), "memory[]." + field);
        }
        throw new IllegalArgumentException(
                "memory[]." + field + " must be an integer or a string like \"0x1000\" or \"4G\"");
    }

    /** "0x..." hex, decimal, or decimal with K/M/G/T suffix (binary units, like memparse). */
    static long parseSize(String text, String what) {
        String s = text.trim();
        try {
            if (s.startsWith("0x") || s.startsWith("0X")) {
                return Long.parseUnsignedLong(s.substring(2), 16);
            }
            int shift = 0;
            if (!s.isEmpty()) {
                switch (Character.toUpperCase(s.charAt(s.length() - 1))) {
                    case 'K' -> shift = 10;
                    case 'M' -> shift = 20;
                    case 'G' -> shift = 30;
                    case 'T' -> shift = 40;
                    default -> shift = 0;
                }
            }
            long value = Long.parseLong(shift == 0 ? s : s.substring(0, s.length() - 1));
            if (value < 0 || (shift > 0 && Long.numberOfLeadingZeros(value) <= shift)) {
                throw new NumberFormatException("out of range");
            }
            return value << shift;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                    what + " '" + text + "' is not a size (use 0x hex, decimal, or K/M/G/T)");
        }
    }
}
