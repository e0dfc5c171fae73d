package dev.multikernel.host.mkctl.native_;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code mkctl state} against directory trees standing in for /sys and /proc. */
class MkctlStateTest {
    @TempDir
    Path tmp;

    private static final byte[] POOL = {(byte) 0xd0, 0x0d, (byte) 0xfe, (byte) 0xed, 0, 0, 0, 0x28, (byte) 0xff, 0};
    private static final byte[] WEB_DTB = {(byte) 0xd0, 0x0d, (byte) 0xfe, (byte) 0xed, 1, 2, 3};
    private static final byte[] DTBO = {(byte) 0xd0, 0x0d, (byte) 0xfe, (byte) 0xed, 9, 9};

    private Map<String, Object> state(FakeHost h) throws Exception {
        return Mkctl.run(h.args("state"), new byte[0]).ok();
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> list(Map<String, Object> m, String key) {
        return (List<Map<String, Object>>) m.get(key);
    }

    @SuppressWarnings("unchecked")
    private static List<String> warnings(Map<String, Object> state) {
        return (List<String>) state.get("warnings");
    }

    @Test
    void noMultikernelDirectoryIsInterfaceNone() throws Exception {
        Map<String, Object> s = state(FakeHost.create(tmp));
        assertThat(s.keySet())
                .containsExactly(
                        "operation",
                        "interface",
                        "mounted",
                        "kernel_release",
                        "boot_id",
                        "cpus",
                        "pool",
                        "instances",
                        "overlays",
                        "kimage",
                        "iomem",
                        "warnings");
        assertThat(s)
                .containsEntry("interface", "none")
                .containsEntry("mounted", false)
                .containsEntry("kernel_release", FakeHost.RELEASE)
                .containsEntry("boot_id", FakeHost.BOOT_ID)
                .containsEntry("pool", null)
                .containsEntry("instances", List.of())
                .containsEntry("overlays", List.of())
                .containsEntry("kimage", null)
                .containsEntry("iomem", List.of())
                .containsEntry("warnings", List.of());
    }

    @Test
    void cpusCarryApicIdNumaNodeAndOnlineFlag() throws Exception {
        FakeHost h = FakeHost.create(tmp);
        // cpu10 sorts after cpu2 numerically, not as text; it has no cpuinfo block and no node
        h.dir("sys/devices/system/cpu/cpu10");
        h.file("sys/devices/system/cpu/cpu10/online", "1\n");
        assertThat(list(state(h), "cpus"))
                .containsExactly(
                        Map.of("cpu", 0L, "apic_id", 0L, "numa_node", 0L, "online", true, "apic_id_source", "cpuinfo"),
                        Map.of("cpu", 1L, "apic_id", 2L, "numa_node", 0L, "online", true, "apic_id_source", "cpuinfo"),
                        Map.of("cpu", 2L, "apic_id", 16L, "numa_node", 1L, "online", true, "apic_id_source", "cpuinfo"),
                        Map.of(
                                "cpu",
                                3L,
                                "apic_id",
                                18L,
                                "numa_node",
                                1L,
                                "online",
                                false,
                                "apic_id_source",
                                "cpuinfo"),
                        cpu(10, null, null, true));
    }

    private static Map<String, Object> cpu(long cpu, Long apic, Long node, boolean online) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("cpu", cpu);
        m.put("apic_id", apic);
        m.put("numa_node", node);
        m.put("online", online);
        m.put("apic_id_source", apic == null ? null : "cpuinfo");
        return m;
    }

    @Test
    void cpuWithoutOnlineFileFallsBackToTheOnlineList() throws Exception {
        FakeHost h = FakeHost.create(tmp);
        h.file("sys/devices/system/cpu/online", "1-2\n"); // cpu0 has no online file: now offline
        assertThat(list(state(h), "cpus").get(0)).containsEntry("online", false);
        h.delete("sys/devices/system/cpu/online"); // neither file: online
        assertThat(list(state(h), "cpus").get(0)).containsEntry("online", true);
    }

    @Test
    void unreadableCpuinfoLeavesApicIdsNullWithAWarning() throws Exception {
        FakeHost h = FakeHost.create(tmp).delete("proc/cpuinfo");
        Map<String, Object> s = state(h);
        assertThat(list(s, "cpus")).allSatisfy(c -> assertThat(c).containsEntry("apic_id", null));
        assertThat(warnings(s)).singleElement().asString().contains("apic ids unknown");
    }

    @Test
    void currentTreeMountedReportsPoolInstancesAndOverlays() throws Exception {
        FakeHost h = FakeHost.create(tmp)
                .currentTree(true, POOL)
                .instance("web", 1, "active", WEB_DTB)
                .instance("db", 7, "ready", new byte[0])
                .transaction(10, "applied", "/instances/web", "tag=tf", DTBO)
                .transaction(2, "failed", "unknown", "unknown", DTBO);
        h.dir("sys/fs/multikernel/overlays/not_a_tx");
        Map<String, Object> s = state(h);
        assertThat(s)
                .containsEntry("interface", "current")
                .containsEntry("mounted", true)
                .containsEntry("pool", Map.of("device_tree", b64(POOL)));
        assertThat(list(s, "instances"))
                .containsExactly(
                        instance("db", 7L, "ready", "", null), instance("web", 1L, "active", b64(WEB_DTB), null));
        assertThat(list(s, "overlays"))
                .containsExactly(
                        Map.of(
                                "id",
                                2L,
                                "status",
                                "failed",
                                "instance",
                                "unknown",
                                "resources",
                                "unknown",
                                "dtbo",
                                b64(DTBO)),
                        Map.of(
                                "id",
                                10L,
                                "status",
                                "applied",
                                "instance",
                                "/instances/web",
                                "resources",
                                "tag=tf",
                                "dtbo",
                                b64(DTBO)));
    }

    private static Map<String, Object> instance(String name, Long id, String status, String dt, String dts) {
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("name", name);
        m.put("id", id);
        m.put("status", status);
        m.put("device_tree", dt);
        m.put("device_tree_source", dts);
        return m;
    }

    private static String b64(byte[] b) {
        return Base64.getEncoder().encodeToString(b);
    }

    @Test
    void v2TreeReportsDeviceTreeSourceAndNoPoolOrOverlays() throws Exception {
        String dts = "/dts-v1/;\n/web {\n\tcompatible = \"multikernel-v1\";\n\tid = <1>;\n};\n";
        FakeHost h = FakeHost.create(tmp).v2Tree(true).instanceV2("web", 1, "loading", dts);
        Map<String, Object> s = state(h);
        assertThat(s)
                .containsEntry("interface", "rfc-v2")
                .containsEntry("pool", null)
                .containsEntry("overlays", List.of());
        assertThat(list(s, "instances")).containsExactly(instance("web", 1L, "loading", null, dts));
    }

    @Test
    void unmountedTreeIsInterfaceUnknownWithNothingRead() throws Exception {
        FakeHost h = FakeHost.create(tmp).currentTree(false, POOL).instance("web", 1, "ready", WEB_DTB);
        Map<String, Object> s = state(h);
        assertThat(s)
                .containsEntry("interface", "unknown")
                .containsEntry("mounted", false)
                .containsEntry("pool", null)
                .containsEntry("instances", List.of());
    }

    @Test
    void mountPointWithASpaceIsMatchedThroughProcMountsEscapes() throws Exception {
        Path spaced = Files.createDirectories(tmp.resolve("a b"));
        FakeHost h = FakeHost.create(spaced).currentTree(true, POOL);
        assertThat(Files.readString(h.proc.resolve("mounts"))).contains("a\\040b");
        assertThat(state(h)).containsEntry("mounted", true).containsEntry("interface", "current");
    }

    @Test
    void multikernelOfAnotherMountPointDoesNotCount() throws Exception {
        FakeHost h = FakeHost.create(tmp).currentTree(false, POOL);
        h.file(
                "proc/mounts",
                "none /sys/fs/multikernel-old multikernel rw 0 0\n" + "none " + h.mk() + " tmpfs rw 0 0\n");
        assertThat(state(h)).containsEntry("mounted", false);
    }

    @Test
    void kimageRowsAreParsedByWhitespaceAndOddRowsWarn() throws Exception {
        FakeHost h = FakeHost.create(tmp)
                .file(
                        "proc/kimage",
                        "MK_ID  Type        Start Address   Segments\n"
                                + "-----  ----------  --------------  --------\n"
                                + "    0  default     0x000001000000         3\n"
                                + "    1  multikernel  0x000123400000         5\n"
                                + "    2  multikernel  0x000223400000         4  rw  console=ttyS0\n"
                                + "    3  garbage\n");
        Map<String, Object> s = state(h);
        assertThat(list(s, "kimage"))
                .containsExactly(
                        Map.of("mk_id", 0L, "type", "default", "start", "0x000001000000", "segments", 3L),
                        Map.of("mk_id", 1L, "type", "multikernel", "start", "0x000123400000", "segments", 5L),
                        Map.of("mk_id", 2L, "type", "multikernel", "start", "0x000223400000", "segments", 4L));
        assertThat(warnings(s)).singleElement().asString().contains("3  garbage");
    }

    @Test
    void emptyKimageIsAnEmptyList() throws Exception {
        FakeHost h = FakeHost.create(tmp).file("proc/kimage", "No kimages loaded\n");
        Map<String, Object> s = state(h);
        assertThat(s).containsEntry("kimage", List.of()).containsEntry("warnings", List.of());
    }

    @Test
    void iomemKeepsPoolsTheirChildrenAndInstanceRegions() throws Exception {
        FakeHost h = FakeHost.create(tmp)
                .file(
                        "proc/iomem",
                        "00000000-00000fff : Reserved\n"
                                + "00100000-bfffffff : System RAM\n"
                                + "  01000000-01ffffff : Kernel code\n"
                                + "100000000-13fffffff : Multikernel Memory Pool\n"
                                + "  100000000-10fffffff : mk-instance-1-web-region-0\n"
                                + "    100000000-100000fff : Something nested\n"
                                + "140000000-47fffffff : System RAM\n"
                                + "  200000000-2000FFFFF : mk-instance-2-db-region-0\n");
        assertThat(list(state(h), "iomem"))
                .containsExactly(
                        Map.of(
                                "start",
                                "0x100000000",
                                "end",
                                "0x13fffffff",
                                "name",
                                "Multikernel Memory Pool",
                                "depth",
                                0L),
                        Map.of(
                                "start",
                                "0x100000000",
                                "end",
                                "0x10fffffff",
                                "name",
                                "mk-instance-1-web-region-0",
                                "depth",
                                1L),
                        Map.of("start", "0x100000000", "end", "0x100000fff", "name", "Something nested", "depth", 2L),
                        Map.of(
                                "start",
                                "0x200000000",
                                "end",
                                "0x2000fffff",
                                "name",
                                "mk-instance-2-db-region-0",
                                "depth",
                                1L));
    }

    @Test
    void missingBootIdIsAnErrorNotASilentlyEmptyAnswer() throws Exception {
        FakeHost h = FakeHost.create(tmp).delete("proc/sys/kernel/random/boot_id");
        Map<String, Object> e = Mkctl.run(h.args("state"), new byte[0]).error(1);
        assertThat(e)
                .containsEntry("operation", "state")
                .containsEntry("kind", "os")
                .containsEntry("errno", "ENOENT")
                .containsEntry("call", "open")
                .containsEntry(
                        "path", h.proc.resolve("sys/kernel/random/boot_id").toString());
    }

    @Test
    void missingKernelReleaseIsNullWithAWarning() throws Exception {
        FakeHost h = FakeHost.create(tmp).delete("proc/sys/kernel/osrelease");
        Map<String, Object> s = state(h);
        assertThat(s).containsEntry("kernel_release", null);
        assertThat(warnings(s)).singleElement().asString().contains("kernel release unknown");
    }

    @Test
    void unreadableInstanceFileIsAnError() throws Exception {
        FakeHost h = FakeHost.create(tmp).currentTree(true, POOL).instance("web", 1, "ready", WEB_DTB);
        Files.delete(h.mk().resolve("instances/web/status"));
        Files.createDirectory(h.mk().resolve("instances/web/status")); // reading a directory: EISDIR
        Map<String, Object> e = Mkctl.run(h.args("state"), new byte[0]).error(1);
        assertThat(e).containsEntry("errno", "EISDIR").containsEntry("call", "read");
    }

    @Test
    void instanceThatVanishedIsSkipped() throws Exception {
        FakeHost h = FakeHost.create(tmp).currentTree(true, POOL).instance("web", 1, "ready", WEB_DTB);
        h.dir("sys/fs/multikernel/instances/gone"); // listed but its files are gone (removed meanwhile)
        assertThat(list(state(h), "instances")).extracting(m -> m.get("name")).containsExactly("web");
    }

    @Test
    void kernelTextIsTrimmedAndInvalidUtf8Replaced() throws Exception {
        FakeHost h = FakeHost.create(tmp).currentTree(true, POOL).instance("web", 1, "ready", WEB_DTB);
        h.file("sys/fs/multikernel/instances/web/status", new byte[] {'r', 'e', (byte) 0xff, 'd', 'y', ' ', '\n', '\n'
        });
        assertThat(list(state(h), "instances").get(0)).containsEntry("status", "re\ufffddy");
        assertThat(new String(Files.readAllBytes(h.mk().resolve("instances/web/status")), StandardCharsets.ISO_8859_1))
                .hasSize(8);
    }
}
