package dev.multikernel.provider.resources.pool;

import dev.multikernel.host.devicetree.multikernel.PoolChunk;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;

/**
 * Pairs memory entries (size, optional node) with pool chunks of exactly that size (and node, when
 * the entry names one). Entries naming a node are paired first, so an entry without a node never
 * takes the only chunk a node-bound entry could use; among candidates, preferred chunks (for
 * example those an instance holds, which must stay) come first, then the lowest base.
 * Deterministic: the same inputs always give the same pairs.
 */
final class MemoryMatch {
    private MemoryMatch() {}

    /** For each entry, the index in {@code chunks} of its chunk, or -1. */
    static int[] match(List<PoolSpec.Memory> entries, List<PoolChunk> chunks, Predicate<PoolChunk> preferred) {
        int[] out = new int[entries.size()];
        Arrays.fill(out, -1);
        boolean[] used = new boolean[chunks.size()];
        List<Integer> order = new ArrayList<>();
        for (int pass = 0; pass < 2; pass++) {
            for (int i = 0; i < entries.size(); i++) {
                if (entries.get(i).numaNode().isPresent() == (pass == 0)) {
                    order.add(i);
                }
            }
        }
        Comparator<Integer> byPreference = Comparator.<Integer, Boolean>comparing(k -> !preferred.test(chunks.get(k)))
                .thenComparingLong(k -> chunks.get(k).base());
        for (int i : order) {
            PoolSpec.Memory e = entries.get(i);
            List<Integer> candidates = new ArrayList<>();
            for (int k = 0; k < chunks.size(); k++) {
                PoolChunk c = chunks.get(k);
                boolean nodeFits = e.numaNode().isEmpty()
                        || c.numaNode().isPresent()
                                && c.numaNode().getAsInt() == e.numaNode().getAsInt();
                if (!used[k] && c.size() == e.size().bytes() && nodeFits) {
                    candidates.add(k);
                }
            }
            candidates.sort(byPreference);
            if (!candidates.isEmpty()) {
                out[i] = candidates.get(0);
                used[candidates.get(0)] = true;
            }
        }
        return out;
    }

    /** The chunks no entry was paired with, ascending base. */
    static List<PoolChunk> unmatched(int[] match, List<PoolChunk> chunks) {
        boolean[] used = new boolean[chunks.size()];
        for (int k : match) {
            if (k >= 0) {
                used[k] = true;
            }
        }
        List<PoolChunk> out = new ArrayList<>();
        for (int k = 0; k < chunks.size(); k++) {
            if (!used[k]) {
                out.add(chunks.get(k));
            }
        }
        out.sort(Comparator.comparingLong(PoolChunk::base));
        return out;
    }
}
