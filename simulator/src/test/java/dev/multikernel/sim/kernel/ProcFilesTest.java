package dev.multikernel.sim.kernel;

import static dev.multikernel.sim.fixtures.Trees.*;
import static dev.multikernel.sim.kernel.Sim.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reference §3 (/proc/iomem names) and §4 (/proc/kimage), byte for byte. */
@DisplayName("§3/§4 /proc files")
class ProcFilesTest {
    @TempDir
    Path dir;

    @Test
    @DisplayName("§3 /proc/iomem: r_show format, pool chunks under System RAM, instance regions under the chunk")
    void iomemExact() throws Exception {
        try (KernelModel k = withBaseline(dir)) {
            applyOverlay(k, overlay("/instances", instanceCreate("web", 1, GIB, 2, 4)));
            applyOverlay(k, overlay("/instances", instanceCreate("db", 7, 256 * MIB, 16)));
            assertThat(text(k, "/proc/iomem")).isEqualTo("""
                    00000000-bfffffff : System RAM
                      01000000-01dfffff : Kernel code
                      02000000-025fffff : Kernel rodata
                      02800000-02bfffff : Kernel data
                      03200000-035fffff : Kernel bss
                      04000000-83ffffff : Multikernel Memory Pool
                        04000000-43ffffff : mk-instance-1-web-region-0
                        44000000-53ffffff : mk-instance-7-db-region-0
                    100000000-23fffffff : System RAM
                    240000000-43fffffff : System RAM
                      240000000-27fffffff : Multikernel Memory Pool
                    """);
        }
    }

    @Test
    @DisplayName("§3 an instance that gets its memory in pieces shows region-0, region-1, ...")
    void fragmentedInstance() throws Exception {
        try (KernelModel k = withBaseline(dir)) {
            applyOverlay(k, overlay("/instances", instanceCreate("a", 1, 512 * MIB, 2)));
            applyOverlay(k, overlay("/instances", instanceCreate("b", 2, 512 * MIB, 4)));
            applyOverlay(k, overlay("/instances", instanceCreate("c", 3, 512 * MIB, 6)));
            // roll back b: its 512 MiB become a hole between a and c; then ask for more than any single hole
            k.rmdir(MK + "/overlays/tx_3");
            applyOverlay(k, overlay("/instances", instanceCreate("big", 4, 1536 * MIB + 512 * MIB, 16)));
            String iomem = text(k, "/proc/iomem");
            assertThat(iomem).contains("mk-instance-4-big-region-0").contains("mk-instance-4-big-region-1");
            long bytes = dtb(k, MK + "/instances/big/device_tree")
                    .find("/resources")
                    .orElseThrow()
                    .property("memory-bytes")
                    .orElseThrow()
                    .asU64();
            assertThat(bytes).isEqualTo(2 * GIB);
        }
    }

    @Test
    @DisplayName("§4 /proc/kimage: 'multikernel' (11 characters) overflows the 10-character column")
    void kimageColumns() throws Exception {
        String row = String.format("%5d  %-10s  0x%012x  %8d", 1, "multikernel", 0x123400000L, 5);
        assertThat(row).isEqualTo("    1  multikernel  0x000123400000         5");
    }

    @Test
    @DisplayName("CPU topology as tools read it: /proc/cpuinfo apicid per online processor, cpuN/nodeM, osrelease")
    void cpuTopologyFiles() throws Exception {
        try (KernelModel k = open(dir, InterfaceGeneration.CURRENT)) {
            // before any baseline every CPU is online, so /proc/cpuinfo lists them all
            String cpuinfo = new String(k.read("/proc/cpuinfo"), java.nio.charset.StandardCharsets.UTF_8);
            for (HostTopology.Cpu c : k.topology().cpus()) {
                assertThat(cpuinfo)
                        .contains("processor\t: " + c.logicalId() + "\n")
                        .contains("apicid\t\t: " + c.apicId() + "\n");
                assertThat(k.list("/sys/devices/system/cpu/cpu" + c.logicalId()))
                        .contains("node" + c.numaNode());
            }
            assertThat(cpuinfo.split("\n\n")).hasSize(k.topology().cpus().size());
            assertThat(new String(k.read("/proc/sys/kernel/osrelease"), java.nio.charset.StandardCharsets.UTF_8))
                    .isEqualTo(KernelModel.KERNEL_RELEASE + "\n");
            assertThat(k.list("/proc/sys/kernel")).containsExactlyInAnyOrder("osrelease", "random");
        }
    }

    @Test
    @DisplayName("/proc/cpuinfo leaves out the CPUs a baseline took offline for the pool")
    void cpuinfoListsOnlineCpusOnly() throws Exception {
        try (KernelModel k = withBaseline(dir)) {
            String cpuinfo = new String(k.read("/proc/cpuinfo"), java.nio.charset.StandardCharsets.UTF_8);
            java.util.Set<Integer> listed = new java.util.TreeSet<>();
            java.util.regex.Matcher m =
                    java.util.regex.Pattern.compile("(?m)^processor\t: (\\d+)$").matcher(cpuinfo);
            while (m.find()) {
                listed.add(Integer.parseInt(m.group(1)));
            }
            assertThat(listed).hasSizeLessThan(k.topology().cpus().size());
            assertThat(KernelModel.cpuList(listed) + "\n")
                    .isEqualTo(new String(
                            k.read("/sys/devices/system/cpu/online"), java.nio.charset.StandardCharsets.UTF_8));
        }
    }
}
