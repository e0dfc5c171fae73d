package dev.multikernel.provider.plan;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;

/**
 * The free ranges of the pool, as the planner hands them out: first fit, lowest address first,
 * so the same inputs always give the same ranges. Mutable, private to one planning run.
 */
final class FreeMemory {
    private final List<MemoryChunk> gaps = new ArrayList<>();

    FreeMemory(List<MemoryChunk> pool) {
        gaps.addAll(pool);
        sort();
    }

    /** Marks {@code used} as taken (instance memory read from the host). */
    void reserve(MemoryChunk used) {
        List<MemoryChunk> out = new ArrayList<>();
        for (MemoryChunk g : gaps) {
            if (used.end() <= g.base() || used.base() >= g.end()) {
                out.add(g);
                continue;
            }
            if (used.base() > g.base()) {
                out.add(new MemoryChunk(g.base(), used.base() - g.base(), g.numaNode()));
            }
            if (used.end() < g.end()) {
                out.add(new MemoryChunk(used.end(), g.end() - used.end(), g.numaNode()));
            }
        }
        gaps.clear();
        gaps.addAll(out);
        sort();
    }

    /** Gives {@code range} back, joining it to neighbouring free ranges of the same node. */
    void release(MemoryChunk range) {
        gaps.add(range);
        sort();
        List<MemoryChunk> merged = new ArrayList<>();
        for (MemoryChunk g : gaps) {
            if (!merged.isEmpty()) {
                MemoryChunk last = merged.get(merged.size() - 1);
                if (last.end() >= g.base() && last.numaNode().equals(g.numaNode())) {
                    merged.set(
                            merged.size() - 1,
                            new MemoryChunk(last.base(), Math.max(last.end(), g.end()) - last.base(), last.numaNode()));
                    continue;
                }
            }
            merged.add(g);
        }
        gaps.clear();
        gaps.addAll(merged);
    }

    /**
     * Takes {@code size} bytes on {@code node} (any node when empty): one range when
     * {@code contiguous}, otherwise as many as needed, lowest addresses first.
     */
    Optional<List<MemoryChunk>> take(long size, OptionalInt node, boolean contiguous) {
        List<MemoryChunk> eligible = gaps.stream()
                .filter(g -> node.isEmpty() || g.numaNode().equals(node))
                .toList();
        List<MemoryChunk> taken = new ArrayList<>();
        if (contiguous) {
            for (MemoryChunk g : eligible) {
                if (g.size() >= size) {
                    taken.add(new MemoryChunk(g.base(), size, g.numaNode()));
                    break;
                }
            }
            if (taken.isEmpty()) {
                return Optional.empty();
            }
        } else {
            long total = eligible.stream().mapToLong(MemoryChunk::size).sum();
            if (total < size) {
                return Optional.empty();
            }
            long left = size;
            for (MemoryChunk g : eligible) {
                if (left == 0) {
                    break;
                }
                long part = Math.min(left, g.size());
                taken.add(new MemoryChunk(g.base(), part, g.numaNode()));
                left -= part;
            }
        }
        taken.forEach(this::reserve);
        return Optional.of(taken);
    }

    /** Free bytes per node (unknown node as {@link CpuTopology#UNKNOWN_NODE}), nodes ascending. */
    Map<Integer, Long> freeByNode() {
        Map<Integer, Long> out = new TreeMap<>();
        for (MemoryChunk g : gaps) {
            out.merge(g.numaNode().orElse(CpuTopology.UNKNOWN_NODE), g.size(), Long::sum);
        }
        return out;
    }

    /** The largest free range on {@code node} (any node when empty); 0 when none. */
    long largest(OptionalInt node) {
        return gaps.stream()
                .filter(g -> node.isEmpty() || g.numaNode().equals(node))
                .mapToLong(MemoryChunk::size)
                .max()
                .orElse(0);
    }

    long total() {
        return gaps.stream().mapToLong(MemoryChunk::size).sum();
    }

    List<MemoryChunk> gaps() {
        return List.copyOf(gaps);
    }

    private void sort() {
        gaps.sort(Comparator.comparingLong(MemoryChunk::base));
    }
}
