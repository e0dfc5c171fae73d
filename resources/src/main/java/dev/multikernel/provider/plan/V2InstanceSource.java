package dev.multikernel.provider.plan;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The CPUs and memory of an RFC v2 instance, from the DTS text the kernel rebuilds in
 * {@code instances/<name>/device_tree_source}. The kernel prints a one-cell property as
 * {@code <N>} (memory with a {@code // N MB} comment) and a longer one as bytes ({@code [00 00 00 02
 * 00 00 00 03]}), so both forms are read; RFC v2 CPU numbers are logical. Anything else reads as
 * unknown, never as a guess.
 *
 * @param cpus        logical CPU numbers, when the text has a readable {@code cpus} property
 * @param memoryBytes {@code memory-bytes}, when readable
 */
public record V2InstanceSource(Optional<List<Integer>> cpus, OptionalLong memoryBytes) {

    /** Longest text read: a rebuilt instance tree is a few hundred bytes. */
    static final int MAX_TEXT = 64 * 1024;

    private static final Pattern CPUS = Pattern.compile("(?m)^\\s*cpus\\s*=\\s*(<[^>]*>|\\[[^\\]]*\\])\\s*;");
    private static final Pattern MEMORY = Pattern.compile("(?m)^\\s*memory-bytes\\s*=\\s*(<[^>]*>|\\[[^\\]]*\\])\\s*;");

    static final V2InstanceSource UNKNOWN = new V2InstanceSource(Optional.empty(), OptionalLong.empty());

    public static V2InstanceSource parse(String dts) {
        if (dts.length() > MAX_TEXT) {
            return UNKNOWN;
        }
        Optional<List<Long>> cpuCells = cells(CPUS.matcher(dts));
        Optional<List<Integer>> cpus = cpuCells.filter(c -> c.stream().allMatch(v -> v >= 0 && v <= 8191))
                .map(c -> c.stream().map(Long::intValue).sorted().toList());
        OptionalLong memory = OptionalLong.empty();
        Optional<List<Long>> mem = cells(MEMORY.matcher(dts));
        if (mem.isPresent() && mem.get().size() == 1) {
            memory = OptionalLong.of(mem.get().get(0));
        } else if (mem.isPresent() && mem.get().size() == 2) {
            memory = OptionalLong.of((mem.get().get(0) << 32) | mem.get().get(1));
        }
        return new V2InstanceSource(cpus, memory);
    }

    /** The u32 cells of the first match: {@code <1 0x2>} or bytes {@code [00 00 00 01]}. */
    private static Optional<List<Long>> cells(Matcher m) {
        if (!m.find()) {
            return Optional.empty();
        }
        String v = m.group(1);
        String body = v.substring(1, v.length() - 1).strip();
        List<Long> out = new ArrayList<>();
        if (body.isEmpty()) {
            return Optional.of(out);
        }
        String[] parts = body.split("\\s+");
        try {
            if (v.startsWith("<")) {
                for (String p : parts) {
                    long n = p.startsWith("0x") || p.startsWith("0X")
                            ? Long.parseLong(p.substring(2), 16)
                            : Long.parseLong(p);
                    if (n < 0 || n > 0xffffffffL) {
                        return Optional.empty();
                    }
                    out.add(n);
                }
            } else {
                if (parts.length % 4 != 0) {
                    return Optional.empty();
                }
                for (int i = 0; i < parts.length; i += 4) {
                    long n = 0;
                    for (int j = 0; j < 4; j++) {
                        if (parts[i + j].length() != 2) {
                            return Optional.empty();
                        }
                        n = (n << 8) | Integer.parseInt(parts[i + j], 16);
                    }
                    out.add(n);
                }
            }
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
        return Optional.of(out);
    }
}
