package dev.multikernel.sim.executor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.multikernel.host.devicetree.Fdt;
import dev.multikernel.host.devicetree.multikernel.Baseline;
import dev.multikernel.host.devicetree.multikernel.InstanceResources;
import dev.multikernel.host.devicetree.multikernel.InstanceTree;
import dev.multikernel.host.devicetree.multikernel.MemoryRequest;
import dev.multikernel.host.devicetree.multikernel.OverlayOperation;
import dev.multikernel.host.devicetree.multikernel.OverlayTransaction;
import dev.multikernel.host.devicetree.multikernel.PoolTree;
import dev.multikernel.host.devicetree.multikernel.V2Instance;
import dev.multikernel.host.devicetree.multikernel.V2Tree;
import dev.multikernel.host.mkctl.Errno;
import dev.multikernel.host.mkctl.HaltMode;
import dev.multikernel.host.mkctl.KernelRefusedException;
import dev.multikernel.host.mkctl.MkctlBinary;
import dev.multikernel.host.mkctl.MkctlClient;
import dev.multikernel.host.mkctl.MkctlInstall;
import dev.multikernel.host.mkctl.MkctlOperation;
import dev.multikernel.host.mkctl.MkctlOptions;
import dev.multikernel.host.mkctl.MkctlResult;
import dev.multikernel.host.mkctl.NotAppliedException;
import dev.multikernel.host.ssh.SshConnectionPool;
import dev.multikernel.host.state.CpuState;
import dev.multikernel.host.state.HostState;
import dev.multikernel.host.state.InstanceState;
import dev.multikernel.host.state.InstanceStatus;
import dev.multikernel.host.state.InterfaceGeneration;
import dev.multikernel.host.state.TransactionStatus;
import dev.multikernel.sim.fixtures.KernelImages;
import dev.multikernel.sim.ssh.SimulatedHost;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every typed mkctl operation, through real SSH and the real mkctl, against simulated hosts. */
class MkctlEndToEndTest {

    static final long MIB = 1L << 20;

    static SimHosts sims;
    static SshConnectionPool pool;
    static Path kernel;
    static Path initrd;

    @BeforeAll
    static void start() throws Exception {
        sims = new SimHosts();
        pool = SshConnectionPool.create();
        kernel = KernelImages.validImage(sims.dir);
        initrd = KernelImages.initrd(sims.dir);
    }

    @AfterAll
    static void stop() throws Exception {
        pool.close();
        sims.close();
    }

    /** A client with sessions: after its first call, every operation goes over mkctl session. */
    static MkctlClient client(SimulatedHost host, String user) throws Exception {
        return client(host, user, MkctlOptions.DEFAULTS.withSessions(2));
    }

    static MkctlClient client(SimulatedHost host, String user, MkctlOptions options) throws Exception {
        return new MkctlClient(
                pool.transport(sims.spec(host, user)),
                new MkctlInstall.Upload(MkctlInstall.DEFAULT_DIRECTORY, MkctlBinary.embedded()),
                options);
    }

    static byte[] baseline() {
        return Fdt.write(new Baseline(
                        List.of(2L, 4L, 6L, 16L), List.of(MemoryRequest.of(1L << 30, 0)), List.of(), java.util.Map.of())
                .toTree());
    }

    static byte[] create(String name, int id, long... cpus) {
        List<Long> list = java.util.Arrays.stream(cpus).boxed().toList();
        return Fdt.write(OverlayTransaction.of(new OverlayOperation.InstanceCreate(
                        name, OptionalInt.of(id), new InstanceResources(64 * MIB, list, List.of())))
                .toTree());
    }

    @Test
    void everyOperationOnTheCurrentInterface() throws Exception {
        SimulatedHost host = sims.start("e2e-cur", dev.multikernel.sim.kernel.InterfaceGeneration.CURRENT);
        MkctlClient mk = client(host, "root");

        MkctlResult.Version version = mk.version();
        assertThat(version.contract()).isEqualTo(MkctlClient.CONTRACT);
        assertThat(version.simulated()).isTrue();

        HostState before = mk.state();
        assertThat(before.bootId()).isEqualTo(host.kernel().bootId());
        assertThat(before.cpus()).hasSize(8);
        assertThat(before.cpus()).extracting(c -> c.cpu()).containsExactly(0, 1, 2, 3, 4, 5, 6, 7);

        MkctlResult.Mounted mounted = mk.mount();
        assertThat(mounted.mounted()).isTrue();
        assertThat(mounted.generation()).isEqualTo(InterfaceGeneration.CURRENT);

        MkctlResult.BaselineApplied base = mk.baseline(baseline());
        assertThat(base.pool()).isPresent();
        PoolTree poolTree = base.pool().get().deviceTree().value().orElseThrow();
        assertThat(poolTree.cpus()).containsExactly(2L, 4L, 6L, 16L);

        MkctlResult.OverlayApplied applied = mk.applyOverlay(create("web", 1, 2, 4));
        assertThat(applied.transaction().status()).isEqualTo(TransactionStatus.APPLIED);
        int tx = applied.transaction().id();

        HostState created = mk.state();
        // pool CPUs (logical 1-4) are offline and absent from /proc/cpuinfo: their APIC ids come
        // from the CPU map cache mkctl kept next to the host's socket for this boot
        assertThat(created.cpus())
                .extracting(c -> c.online(), c -> c.apicId(), c -> c.apicIdSource())
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(true, OptionalInt.of(0), CpuState.ApicIdSource.CPUINFO),
                        org.assertj.core.groups.Tuple.tuple(false, OptionalInt.of(2), CpuState.ApicIdSource.CACHE),
                        org.assertj.core.groups.Tuple.tuple(false, OptionalInt.of(4), CpuState.ApicIdSource.CACHE),
                        org.assertj.core.groups.Tuple.tuple(false, OptionalInt.of(6), CpuState.ApicIdSource.CACHE),
                        org.assertj.core.groups.Tuple.tuple(false, OptionalInt.of(16), CpuState.ApicIdSource.CACHE),
                        org.assertj.core.groups.Tuple.tuple(true, OptionalInt.of(18), CpuState.ApicIdSource.CPUINFO),
                        org.assertj.core.groups.Tuple.tuple(true, OptionalInt.of(20), CpuState.ApicIdSource.CPUINFO),
                        org.assertj.core.groups.Tuple.tuple(true, OptionalInt.of(22), CpuState.ApicIdSource.CPUINFO));
        assertThat(created.warnings()).isEmpty();
        assertThat(host.kernelSocket().resolveSibling("cpus-" + host.kernel().bootId() + ".json"))
                .isRegularFile();
        assertThat(created.generation()).isEqualTo(InterfaceGeneration.CURRENT);
        assertThat(created.usable()).isTrue();
        InstanceState web = created.instance("web").orElseThrow();
        assertThat(web.status()).isEqualTo(InstanceStatus.READY);
        assertThat(web.id()).hasValue(1);
        InstanceTree tree = web.deviceTree().orElseThrow().value().orElseThrow();
        assertThat(tree.cpus()).containsExactly(2L, 4L);
        assertThat(tree.memoryBytes()).isEqualTo(64 * MIB);
        assertThat(created.transaction(tx)
                        .orElseThrow()
                        .dtbo()
                        .value()
                        .orElseThrow()
                        .operations())
                .hasSize(1);
        assertThat(created.pool()
                        .orElseThrow()
                        .deviceTree()
                        .value()
                        .orElseThrow()
                        .cpusAvailable())
                .containsExactly(6L, 16L);
        assertThat(created.iomem().orElseThrow()).anyMatch(r -> r.name().startsWith("mk-instance-1-web"));

        MkctlResult.Loaded loaded = mk.load(1, kernel.toString(), Optional.of(initrd.toString()), "console=ttyS0");
        assertThat(loaded.status()).hasValue(InstanceStatus.LOADED);
        assertThat(loaded.flags()).isEqualTo("0x30");
        assertThat(mk.state().kernelImages().orElseThrow()).anyMatch(k -> k.mkId() == 1);

        assertThat(mk.exec(1).status()).hasValue(InstanceStatus.ACTIVE);
        MkctlResult.Halted halted = mk.halt(1, HaltMode.GRACEFUL, Duration.ofSeconds(20));
        assertThat(halted.forced()).isFalse();
        assertThat(halted.status()).hasValue(InstanceStatus.LOADED);
        assertThat(mk.unload(1).status()).hasValue(InstanceStatus.READY);

        MkctlResult.OverlayApplied removed =
                mk.applyOverlay(Fdt.write(OverlayTransaction.of(new OverlayOperation.InstanceRemove("web"))
                        .toTree()));
        assertThat(removed.transaction().status()).isEqualTo(TransactionStatus.APPLIED);
        assertThat(mk.state().instance("web")).isEmpty();
        int removal = removed.transaction().id();
        assertThat(mk.state().transaction(removal)).isPresent();
        assertThat(mk.removeOverlay(removal).id()).isEqualTo(removal);
        assertThat(mk.state().transaction(removal)).isEmpty();
    }

    @Test
    void kernelRefusalsAreTypedWithTheirErrno() throws Exception {
        SimulatedHost host = sims.start("e2e-err", dev.multikernel.sim.kernel.InterfaceGeneration.CURRENT);
        MkctlClient mk = client(host, "root");
        mk.mount();
        mk.baseline(baseline());
        assertThatThrownBy(() -> mk.baseline(baseline()))
                .isInstanceOfSatisfying(
                        KernelRefusedException.class, e -> assertThat(e.errno()).hasValue(Errno.EBUSY))
                .hasMessageContaining("already applied");
        assertThatThrownBy(() -> mk.removeOverlay(999))
                .isInstanceOfSatisfying(
                        KernelRefusedException.class, e -> assertThat(e.errno()).hasValue(Errno.ENOENT));
        assertThatThrownBy(() -> mk.load(1, sims.dir.resolve("no-such-kernel").toString(), Optional.empty(), ""))
                .isInstanceOfSatisfying(KernelRefusedException.class, e -> {
                    assertThat(e.errno()).hasValue(Errno.ENOENT);
                    assertThat(e.error().orElseThrow().call()).hasValue("open");
                })
                .hasMessageContaining("does not exist on the host");
        // CPU 8 is not in the pool: the kernel takes the write and fails the transaction
        assertThatThrownBy(() -> mk.applyOverlay(create("bad", 5, 8)))
                .isInstanceOfSatisfying(NotAppliedException.class, e -> {
                    assertThat(e.error().orElseThrow().transactionId()).isPresent();
                    assertThat(e.error().orElseThrow().transactionStatus()).hasValue("failed");
                });
    }

    @Test
    void aBatchIsOneRoundTripAndReportsWhatCompletedBeforeAFailure() throws Exception {
        SimulatedHost host = sims.start("e2e-batch", dev.multikernel.sim.kernel.InterfaceGeneration.CURRENT);
        MkctlClient mk = client(host, "root");
        mk.state();
        long before = pool.stats().execs();
        List<MkctlResult> results = mk.batch(List.of(
                new MkctlOperation.Mount(),
                new MkctlOperation.Baseline(baseline()),
                new MkctlOperation.OverlayApply(create("db", 2, 4)),
                new MkctlOperation.Load(2, kernel.toString(), Optional.empty(), "quiet"),
                new MkctlOperation.Exec(2),
                new MkctlOperation.State()));
        assertThat(pool.stats().execs() - before).isEqualTo(1);
        assertThat(results).hasSize(6);
        assertThat(results.get(4)).isEqualTo(new MkctlResult.Started(2, Optional.of(InstanceStatus.ACTIVE)));
        HostState state = ((MkctlResult.StateRead) results.get(5)).state();
        assertThat(state.instance("db").orElseThrow().status()).isEqualTo(InstanceStatus.ACTIVE);

        assertThatThrownBy(() -> mk.batch(List.of(
                        new MkctlOperation.OverlayApply(create("cache", 3, 6)),
                        new MkctlOperation.Load(3, "/nonexistent/vmlinuz", Optional.empty(), ""),
                        new MkctlOperation.Exec(3))))
                .isInstanceOfSatisfying(KernelRefusedException.class, e -> {
                    assertThat(e.error().orElseThrow().batchIndex()).hasValue(1);
                    assertThat(e.completed()).hasSize(1).first().isInstanceOf(MkctlResult.OverlayApplied.class);
                });
        assertThat(mk.state().instance("cache").orElseThrow().status()).isEqualTo(InstanceStatus.READY);
    }

    @Test
    void rfcV2Operations() throws Exception {
        SimulatedHost host = sims.start("e2e-v2", dev.multikernel.sim.kernel.InterfaceGeneration.RFC_V2);
        MkctlClient mk = client(host, "root");
        assertThat(mk.mount().generation()).isEqualTo(InterfaceGeneration.RFC_V2);
        byte[] tree = Fdt.write(
                V2Tree.toTree(List.of(new V2Instance("web", 1, List.of(2, 3), java.util.OptionalLong.of(256 * MIB)))));
        MkctlResult.V2Created created = mk.v2Create(tree, List.of("web"));
        assertThat(created.instances()).extracting(MkctlResult.V2Instance::name).containsExactly("web");
        HostState state = mk.state();
        assertThat(state.generation()).isEqualTo(InterfaceGeneration.RFC_V2);
        assertThat(state.pool()).isEmpty();
        InstanceState web = state.instance("web").orElseThrow();
        assertThat(web.deviceTree()).isEmpty();
        assertThat(web.deviceTreeSource()).isPresent();
        assertThat(mk.v2Remove("web").name()).isEqualTo("web");
        assertThat(mk.state().instances()).isEmpty();
    }

    @Test
    void deploysOnceAndRedeploysWhenTheCopyOnTheHostChanges() throws Exception {
        SimulatedHost host = sims.start("e2e-deploy", dev.multikernel.sim.kernel.InterfaceGeneration.CURRENT);
        MkctlBinary binary = MkctlBinary.embedded();
        Path onHost =
                host.homeOf("root").resolve(MkctlInstall.DEFAULT_DIRECTORY).resolve(binary.fileName());
        // one command per call, so that the execs are the deployment's (and no session keeps the
        // binary busy while the test overwrites it)
        MkctlOptions oneShot = MkctlOptions.DEFAULTS.withoutSessions();
        long execs = pool.stats().execs();
        client(host, "root", oneShot).state();
        // the check failed, the binary was uploaded, the command ran
        assertThat(pool.stats().execs() - execs).isEqualTo(3);
        assertThat(Files.readAllBytes(onHost)).isEqualTo(binary.content());

        execs = pool.stats().execs();
        MkctlClient second = client(host, "root", oneShot);
        second.state();
        second.state();
        // found and checked on the first call, then simply used
        assertThat(pool.stats().execs() - execs).isEqualTo(2);

        Files.write(onHost, new byte[] {1, 2, 3});
        execs = pool.stats().execs();
        assertThat(client(host, "root", oneShot).state().bootId())
                .isEqualTo(host.kernel().bootId());
        assertThat(pool.stats().execs() - execs).isEqualTo(3);
        assertThat(Files.readAllBytes(onHost)).isEqualTo(binary.content());
    }

    @Test
    void aNonRootUserRunsMkctlThroughSudo() throws Exception {
        SimulatedHost host = sims.start("e2e-sudo", dev.multikernel.sim.kernel.InterfaceGeneration.CURRENT);
        MkctlClient mk = client(host, "admin");
        assertThat(mk.mount().mounted()).isTrue();
        assertThat(mk.state().mounted()).isTrue();
        assertThat(host.homeOf("admin").resolve(MkctlInstall.DEFAULT_DIRECTORY)).isDirectory();
    }
}
