package dev.multikernel.host.state;

import dev.multikernel.host.devicetree.DeviceTree;
import dev.multikernel.host.devicetree.DeviceTreeException;
import dev.multikernel.host.devicetree.Fdt;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * A device tree blob read from the host, with what could be made of it. A blob that cannot be
 * parsed does not make the whole state unreadable: {@link #problem()} says what is wrong with it
 * and the raw bytes stay available.
 *
 * @param <T>     the multikernel reading of the tree (pool, instance, overlay transaction)
 * @param blob    the bytes as the kernel returned them
 * @param tree    the parsed flattened device tree, when it parses
 * @param value   the multikernel reading, when the tree has the expected shape
 * @param problem why {@code tree} or {@code value} is missing
 */
public record DeviceTreeBlob<T>(byte[] blob, Optional<DeviceTree> tree, Optional<T> value, Optional<String> problem) {

    /** Reads a tree's multikernel meaning; may refuse with a {@link DeviceTreeException}. */
    @FunctionalInterface
    public interface Reader<T> {
        T read(DeviceTree tree) throws DeviceTreeException;
    }

    public DeviceTreeBlob {
        blob = blob.clone();
        Objects.requireNonNull(tree, "tree");
        Objects.requireNonNull(value, "value");
        Objects.requireNonNull(problem, "problem");
    }

    /** Parses {@code blob} and reads it with {@code reader}; failures end up in {@link #problem()}. */
    public static <T> DeviceTreeBlob<T> decode(byte[] blob, Reader<T> reader) {
        DeviceTree tree;
        try {
            tree = Fdt.parse(blob);
        } catch (DeviceTreeException | RuntimeException e) {
            return new DeviceTreeBlob<>(
                    blob,
                    Optional.empty(),
                    Optional.empty(),
                    Optional.of("not a valid flattened device tree: " + e.getMessage()));
        }
        try {
            return new DeviceTreeBlob<>(blob, Optional.of(tree), Optional.of(reader.read(tree)), Optional.empty());
        } catch (DeviceTreeException | RuntimeException e) {
            return new DeviceTreeBlob<>(
                    blob,
                    Optional.of(tree),
                    Optional.empty(),
                    Optional.of("the device tree does not have the expected shape: " + e.getMessage()));
        }
    }

    @Override
    public byte[] blob() {
        return blob.clone();
    }

    public int size() {
        return blob.length;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DeviceTreeBlob<?> d
                && Arrays.equals(blob, d.blob)
                && value.equals(d.value)
                && problem.equals(d.problem);
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(blob), value, problem);
    }

    @Override
    public String toString() {
        return "DeviceTreeBlob[" + blob.length + " bytes"
                + value.map(v -> ", " + v).orElse("")
                + problem.map(p -> ", problem=" + p).orElse("") + "]";
    }
}
