package dev.multikernel.host.devicetree.multikernel;

import java.util.List;
import java.util.OptionalLong;

/**
 * One instance of an RFC v2 tree: {@code /instances/<name> { id = <u32>; resources { cpus =
 * <u32 logical CPU numbers>; memory-bytes = <u32>; }; }} (kernel-interface.md §2 "RFC v2").
 *
 * @param name node name = instance name
 * @param id the mandatory u32 {@code id} (chosen by the user)
 * @param cpus logical CPU numbers; empty leaves {@code cpus} out (the kernel rejects an empty
 *     list but accepts a missing one)
 * @param memoryBytes one u32: non-zero, page aligned, at most {@link
 *     Multikernel#V2_MAX_MEMORY_BYTES}; empty leaves {@code memory-bytes} out
 */
public record V2Instance(String name, int id, List<Integer> cpus, OptionalLong memoryBytes) {
    public V2Instance {
        InstanceNames.check(name);
        cpus = List.copyOf(cpus);
        for (int c : cpus) {
            if (c < 0) {
                throw new IllegalArgumentException("negative logical CPU number " + c);
            }
        }
        if (memoryBytes.isPresent()) {
            String problem = V2Tree.memoryProblem(memoryBytes.getAsLong());
            if (problem != null) {
                throw new IllegalArgumentException("instance " + name + ": " + problem);
            }
        }
    }

    public static V2Instance of(String name, int id, List<Integer> cpus, long memoryBytes) {
        return new V2Instance(name, id, cpus, OptionalLong.of(memoryBytes));
    }
}
