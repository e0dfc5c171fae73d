package dev.multikernel.sim.kernel;

import dev.multikernel.sim.kernel.KernelState.Chunk;
import dev.multikernel.sim.kernel.KernelState.Instance;
import dev.multikernel.sim.kernel.KernelState.Region;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Physical memory of the simulated host: which RAM is free for the pool, how the pool hands
 * memory to instances, and the /proc/iomem text.
 */
final class MemoryMap {
    /** The host kernel image and early allocations live below this; the pool never goes there. */
    static final long LOW_RESERVED_END = 0x4000000L;

    static final long PAGE = 4096;
    static final long POOL_ALIGN = 2L << 20;
    /** Fallback piece sizes of the pool allocator (reference §3 "Per-instance allocation"). */
    static final long[] FALLBACK_PIECES = {1L << 20, 256L << 10, PAGE};

    static final int MAX_PIECES = 4096;

    private final HostTopology topology;

    MemoryMap(HostTopology topology) {
        this.topology = topology;
    }

    /** Takes {@code size} bytes of host RAM on {@code node} (-1: any node) for a new pool chunk. */
    Optional<Chunk> growPool(long size, int node, List<Region> used) {
        List<Integer> nodes = new ArrayList<>();
        if (node >= 0) {
            nodes.add(node);
        } else {
            nodes.addAll(topology.numaNodes());
        }
        for (int n : nodes) {
            for (HostTopology.MemoryRegion ram : sortedRam()) {
                if (ram.numaNode() != n) {
                    continue;
                }
                long start = Math.max(ram.base(), LOW_RESERVED_END);
                Optional<Long> base = firstFit(start, ram.end(), size, POOL_ALIGN, used);
                if (base.isPresent()) {
                    return Optional.of(new Chunk(base.get(), size, n));
                }
            }
        }
        return Optional.empty();
    }

    private List<HostTopology.MemoryRegion> sortedRam() {
        List<HostTopology.MemoryRegion> ram = new ArrayList<>(topology.memory());
        ram.sort(Comparator.comparingLong(HostTopology.MemoryRegion::base));
        return ram;
    }

    /** Lowest aligned base in [from, to) where {@code size} bytes avoid every {@code used} range. */
    static Optional<Long> firstFit(long from, long to, long size, long align, List<Region> used) {
        List<Region> sorted = new ArrayList<>(used);
        sorted.sort(Comparator.comparingLong(r -> r.base));
        long candidate = alignUp(from, align);
        boolean moved = true;
        while (moved) {
            moved = false;
            if (candidate + size > to || candidate + size < candidate) {
                return Optional.empty();
            }
            for (Region r : sorted) {
                if (r.base < candidate + size && candidate < r.end()) {
                    candidate = alignUp(r.end(), align);
                    moved = true;
                    break;
                }
            }
        }
        return Optional.of(candidate);
    }

    static long alignUp(long v, long align) {
        return (v + align - 1) / align * align;
    }

    /**
     * The pool allocator: the whole size from one chunk if it fits (first fit, lowest address),
     * else pieces of 1 MiB, 256 KiB and pages. Candidate chunks are those of {@code node}, or all.
     */
    static Optional<List<Region>> allocateFromPool(long size, int node, List<Chunk> chunks, List<Region> allocated) {
        List<Chunk> candidates = new ArrayList<>();
        for (Chunk c : chunks) {
            if (node < 0 || c.node == node) {
                candidates.add(c);
            }
        }
        candidates.sort(Comparator.comparingLong(c -> c.base));
        List<Region> taken = new ArrayList<>(allocated);
        for (Chunk c : candidates) {
            Optional<Long> base = firstFit(c.base, c.end(), size, PAGE, taken);
            if (base.isPresent()) {
                return Optional.of(List.of(new Region(base.get(), size)));
            }
        }
        // Not enough free bytes at all: fail before carving pieces.
        long free = 0;
        for (Chunk c : candidates) {
            long used = 0;
            for (Region r : allocated) {
                long lo = Math.max(r.base, c.base);
                long hi = Math.min(r.end(), c.end());
                if (hi > lo) {
                    used += hi - lo;
                }
            }
            free += c.size - used;
        }
        if (free < size) {
            return Optional.empty();
        }
        List<Region> pieces = new ArrayList<>();
        long remaining = size;
        while (remaining > 0) {
            Region piece = null;
            for (long granule : FALLBACK_PIECES) {
                long want = Math.min(granule, remaining);
                for (Chunk c : candidates) {
                    Optional<Long> base = firstFit(c.base, c.end(), want, PAGE, taken);
                    if (base.isPresent()) {
                        piece = new Region(base.get(), want);
                        break;
                    }
                }
                if (piece != null) {
                    break;
                }
            }
            if (piece == null || pieces.size() >= MAX_PIECES) {
                return Optional.empty();
            }
            pieces.add(piece);
            taken.add(piece);
            remaining -= piece.size;
        }
        return Optional.of(pieces);
    }

    /** All instance memory, for allocation. */
    static List<Region> instanceRegions(Iterable<Instance> instances) {
        List<Region> out = new ArrayList<>();
        for (Instance i : instances) {
            out.addAll(i.memory);
        }
        return out;
    }

    /**
     * The RFC v2 pool from the boot command line, {@code mkkernel_pool=SIZE[@START]} with memparse
     * sizes. Without START the region comes from the top of RAM (memblock allocates top-down).
     * Empty (and a log line) when absent or invalid (reference §3 "RFC v2").
     */
    Optional<Chunk> bootPool(KernelLog log) {
        String value = null;
        for (String word : topology.kernelCommandLine().split(" ")) {
            if (word.startsWith("mkkernel_pool=")) {
                value = word.substring("mkkernel_pool=".length());
            }
        }
        if (value == null) {
            log.info("No multikernel pool found - multikernel support disabled");
            return Optional.empty();
        }
        String sizeText = value;
        String startText = null;
        int at = value.indexOf('@');
        if (at >= 0) {
            sizeText = value.substring(0, at);
            startText = value.substring(at + 1);
        }
        long size;
        long start = 0;
        try {
            size = memparse(sizeText);
            if (startText != null) {
                start = memparse(startText);
            }
        } catch (IllegalArgumentException e) {
            log.err("Invalid mkkernel_pool parameter '" + value + "'");
            return Optional.empty();
        }
        if (size == 0 || (startText != null && start == 0)) {
            log.err("Invalid mkkernel_pool parameter '" + value + "': size and start must be non-zero");
            return Optional.empty();
        }
        size = alignUp(size, PAGE);
        if (startText != null) {
            for (HostTopology.MemoryRegion ram : topology.memory()) {
                if (start >= ram.base() && start + size <= ram.end() && start % PAGE == 0) {
                    log.info(String.format("Multikernel pool reserved at 0x%x size 0x%x", start, size));
                    return Optional.of(new Chunk(start, size, ram.numaNode()));
                }
            }
            log.err(String.format("Failed to reserve multikernel pool at 0x%x size 0x%x", start, size));
            return Optional.empty();
        }
        List<HostTopology.MemoryRegion> ram = sortedRam();
        for (int i = ram.size() - 1; i >= 0; i--) {
            HostTopology.MemoryRegion r = ram.get(i);
            long base = (r.end() - size) / PAGE * PAGE;
            if (base >= Math.max(r.base(), LOW_RESERVED_END)) {
                log.info(String.format("Multikernel pool allocated at 0x%x size 0x%x", base, size));
                return Optional.of(new Chunk(base, size, r.numaNode()));
            }
        }
        log.err(String.format("Failed to allocate multikernel pool of 0x%x bytes", size));
        return Optional.empty();
    }

    /** The kernel's memparse: C integer syntax (0x hex, leading-0 octal) then K/M/G/T/P/E. */
    static long memparse(String s) {
        if (s.isEmpty()) {
            throw new IllegalArgumentException("empty");
        }
        int i = 0;
        int radix = 10;
        if (s.startsWith("0x") || s.startsWith("0X")) {
            radix = 16;
            i = 2;
        } else if (s.length() > 1 && s.charAt(0) == '0') {
            radix = 8;
            i = 1;
        }
        int digitsStart = i;
        while (i < s.length() && Character.digit(s.charAt(i), radix) >= 0) {
            i++;
        }
        if (i == digitsStart && radix != 8) {
            throw new IllegalArgumentException("no digits");
        }
        long v = i == digitsStart ? 0 : Long.parseUnsignedLong(s.substring(digitsStart, i), radix);
        int shift = 0;
        if (i < s.length()) {
            switch (Character.toUpperCase(s.charAt(i))) {
                case 'K' -> shift = 10;
                case 'M' -> shift = 20;
                case 'G' -> shift = 30;
                case 'T' -> shift = 40;
                case 'P' -> shift = 50;
                case 'E' -> shift = 60;
                default -> throw new IllegalArgumentException("trailing garbage");
            }
            i++;
        }
        if (i != s.length()) {
            throw new IllegalArgumentException("trailing garbage");
        }
        if (shift > 0 && Long.numberOfLeadingZeros(v) < shift) {
            throw new IllegalArgumentException("overflow");
        }
        return v << shift;
    }

    // ---------------------------------------------------------------- /proc/iomem

    private static final class Res {
        final long start;
        final long end;
        final String name;
        final List<Res> children = new ArrayList<>();

        Res(long start, long end, String name) {
            this.start = start;
            this.end = end;
            this.name = name;
        }

        boolean contains(Res r) {
            return r.start >= start && r.end <= end;
        }

        void insert(Res r) {
            for (Res c : children) {
                if (c.contains(r)) {
                    c.insert(r);
                    return;
                }
            }
            children.add(r);
        }
    }

    /** Kernel image resources inside the first RAM region, like a real x86 iomem. */
    private static final long[][] KERNEL_PARTS = {
        {0x01000000L, 0x01dfffffL}, {0x02000000L, 0x025fffffL}, {0x02800000L, 0x02bfffffL}, {0x03200000L, 0x035fffffL}
    };

    private static final String[] KERNEL_PART_NAMES = {"Kernel code", "Kernel rodata", "Kernel data", "Kernel bss"};

    /**
     * /proc/iomem as {@code r_show} in kernel/resource.c prints it for root:
     * {@code "%*s%0*llx-%0*llx : %s\n"}, two spaces of indent per level, 8 hex digits minimum.
     *
     * @param chunks pool chunks ("Multikernel Memory Pool")
     * @param instances instances whose regions appear inside the chunks
     */
    String iomem(List<Chunk> chunks, Iterable<Instance> instances) {
        Res root = new Res(0, -1L, "");
        for (HostTopology.MemoryRegion ram : sortedRam()) {
            Res r = new Res(ram.base(), ram.end() - 1, "System RAM");
            root.children.add(r);
        }
        for (int k = 0; k < KERNEL_PARTS.length; k++) {
            Res part = new Res(KERNEL_PARTS[k][0], KERNEL_PARTS[k][1], KERNEL_PART_NAMES[k]);
            for (Res ram : root.children) {
                if (ram.contains(part)) {
                    ram.insert(part);
                    break;
                }
            }
        }
        for (Chunk c : chunks) {
            insertTop(root, new Res(c.base, c.end() - 1, "Multikernel Memory Pool"));
        }
        for (Instance inst : instances) {
            for (int n = 0; n < inst.memory.size(); n++) {
                Region reg = inst.memory.get(n);
                int index = n < inst.regionIndexes.size() ? inst.regionIndexes.get(n) : n;
                insertTop(
                        root,
                        new Res(
                                reg.base,
                                reg.end() - 1,
                                "mk-instance-" + inst.id + "-" + inst.name + "-region-" + index));
            }
        }
        StringBuilder sb = new StringBuilder();
        render(root.children, 0, sb);
        return sb.toString();
    }

    private static void insertTop(Res root, Res r) {
        for (Res c : root.children) {
            if (c.contains(r)) {
                c.insert(r);
                return;
            }
        }
        root.children.add(r);
    }

    private static void render(List<Res> level, int depth, StringBuilder sb) {
        List<Res> sorted = new ArrayList<>(level);
        sorted.sort(Comparator.comparingLong((Res r) -> r.start));
        for (Res r : sorted) {
            sb.append(" ".repeat(depth * 2))
                    .append(String.format("%08x-%08x : %s%n", r.start, r.end, r.name)
                            .replace(System.lineSeparator(), "\n"));
            render(r.children, depth + 1, sb);
        }
    }
}
