package dev.multikernel.acceptance.harness;

import dev.multikernel.sim.kernel.KernelError;
import dev.multikernel.sim.kernel.KernelModel;
import dev.multikernel.sim.ssh.SimulatedHost;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything a simulated kernel shows about multikernel, read directly from the kernel model (not
 * through mkctl or SSH): every file below /sys/fs/multikernel, the multikernel ranges of
 * /proc/iomem, the loaded images, the online CPUs and the boot id. Two snapshots are equal exactly
 * when nothing an observer could see has changed, so "the host is untouched" is
 * {@code assertThat(after).isEqualTo(before)}.
 */
public record HostSnapshot(Map<String, String> files) {

    private static final List<String> ROOTS = List.of(
            "/sys/fs/multikernel",
            "/proc/iomem",
            "/proc/kimage",
            "/sys/devices/system/cpu/online",
            "/proc/sys/kernel/random/boot_id");

    public static HostSnapshot of(SimulatedHost host) {
        KernelModel kernel = host.kernel();
        Map<String, String> files = new TreeMap<>();
        for (String root : ROOTS) {
            walk(kernel, root, files);
        }
        return new HostSnapshot(Map.copyOf(files));
    }

    private static void walk(KernelModel kernel, String path, Map<String, String> out) {
        List<String> children;
        try {
            children = kernel.list(path);
        } catch (KernelError notADirectory) {
            out.put(path, read(kernel, path));
            return;
        }
        out.put(path + "/", String.join(",", children));
        for (String child : children) {
            walk(kernel, path + "/" + child, out);
        }
    }

    private static String read(KernelModel kernel, String path) {
        try {
            byte[] b = kernel.read(path);
            String text = new String(b, StandardCharsets.UTF_8);
            boolean printable = text.chars().allMatch(c -> c == '\n' || c == '\t' || (c >= 0x20 && c < 0x7f));
            return printable ? text : "hex:" + HexFormat.of().formatHex(b);
        } catch (KernelError e) {
            return "<" + e.getMessage() + ">";
        }
    }

    /** What differs from {@code other}, one line per path: {@code path: this-value -> other-value}. */
    public String diff(HostSnapshot other) {
        StringBuilder b = new StringBuilder();
        java.util.Set<String> paths = new java.util.TreeSet<>(files.keySet());
        paths.addAll(other.files.keySet());
        for (String p : paths) {
            String a = files.get(p);
            String o = other.files.get(p);
            if (!java.util.Objects.equals(a, o)) {
                b.append(p).append(": ").append(a).append(" -> ").append(o).append('\n');
            }
        }
        return b.toString();
    }

    /** The paths below /sys/fs/multikernel/instances that are directories: one per instance. */
    public List<String> instanceNames() {
        String listing = files.get("/sys/fs/multikernel/instances/");
        return listing == null || listing.isEmpty() ? List.of() : List.of(listing.split(","));
    }
}
