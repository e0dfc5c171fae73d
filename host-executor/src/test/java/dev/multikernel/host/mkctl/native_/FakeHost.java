package dev.multikernel.host.mkctl.native_;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A directory tree standing in for /sys and /proc of a multikernel host, for mkctl's
 * --sysfs-root / --procfs-root. Defaults: 4 CPUs (APIC ids 0, 2, 16, 18 on NUMA nodes 0, 0,
 * 1, 1; cpu0 has no "online" file, cpu3 is offline), kernel 7.0.0-mk5, a fixed boot id, no
 * multikernel directory.
 */
final class FakeHost {
    static final String BOOT_ID = "0d6f3f5c-8f7e-4a55-9d0c-2f1b2c3d4e5f";
    static final String RELEASE = "7.0.0-mk5";

    final Path root;
    final Path sys;
    final Path proc;
    final Path lock;
    private final List<String> mounts = new ArrayList<>();

    private FakeHost(Path root) {
        this.root = root;
        this.sys = root.resolve("sys");
        this.proc = root.resolve("proc");
        this.lock = root.resolve("mkctl.lock");
    }

    static FakeHost create(Path dir) {
        FakeHost h = new FakeHost(dir);
        h.file("proc/sys/kernel/osrelease", RELEASE + "\n");
        h.file("proc/sys/kernel/random/boot_id", BOOT_ID + "\n");
        h.mounts.add("sysfs /sys sysfs rw,nosuid,nodev,noexec,relatime 0 0");
        h.mounts.add("proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0");
        h.writeMounts();
        int[] apic = {0, 2, 16, 18};
        int[] node = {0, 0, 1, 1};
        StringBuilder cpuinfo = new StringBuilder();
        for (int cpu = 0; cpu < 4; cpu++) {
            h.dir("sys/devices/system/cpu/cpu" + cpu + "/node" + node[cpu]);
            h.dir("sys/devices/system/cpu/cpu" + cpu + "/topology");
            if (cpu > 0) {
                h.file("sys/devices/system/cpu/cpu" + cpu + "/online", cpu == 3 ? "0\n" : "1\n");
            }
            cpuinfo.append("processor\t: ")
                    .append(cpu)
                    .append('\n')
                    .append("vendor_id\t: GenuineIntel\n")
                    .append("physical id\t: ")
                    .append(node[cpu])
                    .append('\n')
                    .append("apicid\t\t: ")
                    .append(apic[cpu])
                    .append('\n')
                    .append("initial apicid\t: ")
                    .append(apic[cpu])
                    .append('\n')
                    .append("flags\t\t: fpu vme de\n\n");
        }
        h.file("sys/devices/system/cpu/online", "0-2\n");
        h.file("sys/devices/system/cpu/possible", "0-3\n");
        h.dir("sys/devices/system/cpu/cpufreq");
        h.file("proc/cpuinfo", cpuinfo.toString());
        h.file("proc/iomem", "00000000-00000fff : Reserved\n00001000-0009fbff : System RAM\n");
        return h;
    }

    /** The mkctl arguments that point it at this tree (and a private lock file). */
    List<String> args(String... more) {
        List<String> a = new ArrayList<>(
                List.of("--sysfs-root", sys.toString(), "--procfs-root", proc.toString(), "--lock", lock.toString()));
        a.addAll(List.of(more));
        return a;
    }

    Path mk() {
        return sys.resolve("fs/multikernel");
    }

    /** Current tree: device_tree (the pool DTB), overlays/new, instances/. */
    FakeHost currentTree(boolean mounted, byte[] poolDtb) {
        dir("sys/fs/multikernel/instances");
        dir("sys/fs/multikernel/overlays");
        file("sys/fs/multikernel/overlays/new", new byte[0]);
        file("sys/fs/multikernel/device_tree", poolDtb);
        if (mounted) {
            mount();
        }
        return this;
    }

    /** RFC v2: device_tree reads back a placeholder text, instances/, no overlays/. */
    FakeHost v2Tree(boolean mounted) {
        dir("sys/fs/multikernel/instances");
        file("sys/fs/multikernel/device_tree", "Write multikernel device tree here to propagate to instances\n");
        if (mounted) {
            mount();
        }
        return this;
    }

    /** Adds the /proc/mounts line of the multikernel fs on this tree's mount point. */
    FakeHost mount() {
        mounts.add("none " + escapeMountPath(mk().toString()) + " multikernel rw,relatime 0 0");
        writeMounts();
        return this;
    }

    private static String escapeMountPath(String p) {
        return p.replace("\\", "\\134")
                .replace(" ", "\\040")
                .replace("\t", "\\011")
                .replace("\n", "\\012");
    }

    FakeHost instance(String name, int id, String status, byte[] dtb) {
        String d = "sys/fs/multikernel/instances/" + name + "/";
        file(d + "id", id + "\n");
        file(d + "status", status + "\n");
        file(d + "device_tree", dtb);
        return this;
    }

    FakeHost instanceV2(String name, int id, String status, String dts) {
        String d = "sys/fs/multikernel/instances/" + name + "/";
        file(d + "id", id + "\n");
        file(d + "status", status + "\n");
        file(d + "device_tree_source", dts);
        return this;
    }

    FakeHost transaction(int n, String status, String instance, String resources, byte[] dtbo) {
        String d = "sys/fs/multikernel/overlays/tx_" + n + "/";
        file(d + "id", n + "\n");
        file(d + "status", status + "\n");
        file(d + "instance", instance + "\n");
        file(d + "resources", resources + "\n");
        file(d + "dtbo", dtbo);
        return this;
    }

    FakeHost file(String relative, String text) {
        return file(relative, text.getBytes(StandardCharsets.UTF_8));
    }

    FakeHost file(String relative, byte[] data) {
        try {
            Path p = root.resolve(relative);
            Files.createDirectories(p.getParent());
            Files.write(p, data);
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    FakeHost dir(String relative) {
        try {
            Files.createDirectories(root.resolve(relative));
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    FakeHost delete(String relative) {
        try {
            Files.delete(root.resolve(relative));
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void writeMounts() {
        file("proc/mounts", String.join("\n", mounts) + "\n");
    }
}
