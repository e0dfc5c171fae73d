package dev.multikernel.host.mkctl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.multikernel.host.ssh.LocalHostTransport;
import dev.multikernel.host.state.InstanceStatus;
import dev.multikernel.host.state.InterfaceGeneration;
import dev.multikernel.host.state.TransactionStatus;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client's side of docs/mkctl.md: command lines, stdin, deployment, answers and errors. */
class MkctlClientTest {

    @TempDir
    Path tmp;

    FakeMkctl fake;

    @BeforeEach
    void setUp() throws Exception {
        fake = new FakeMkctl(tmp);
    }

    private static Object inode(Path p) throws Exception {
        return Files.readAttributes(p, BasicFileAttributes.class).fileKey();
    }

    @Test
    void uploadsTheBinaryOnceAndReusesItWhileItMatches() throws Exception {
        fake.answer(
                "{\"operation\":\"mount\",\"mounted\":true,\"already_mounted\":false,\"interface\":\"current\"}", 0);
        assertThat(fake.client().mount().generation()).isEqualTo(InterfaceGeneration.CURRENT);
        Path installed = fake.installed();
        assertThat(Files.readAllBytes(installed)).isEqualTo(fake.binary.content());
        assertThat(Files.getPosixFilePermissions(installed))
                .isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
        Object first = inode(installed);

        // another client (another process) checks and reuses the copy
        fake.client().mount();
        assertThat(inode(installed)).isEqualTo(first);

        // a damaged copy is replaced before anything runs
        Files.writeString(installed, "#!/bin/sh\necho tampered\n");
        assertThat(fake.client().mount().mounted()).isTrue();
        assertThat(Files.readAllBytes(installed)).isEqualTo(fake.binary.content());

        // a copy deleted behind the client's back is put back too
        MkctlClient client = fake.client();
        client.mount();
        Files.delete(installed);
        assertThat(client.mount().mounted()).isTrue();
        assertThat(installed).exists();
    }

    /** A transport on which uname -m answers {@code machine}, as on a host of that architecture. */
    private LocalHostTransport hostOfMachine(String machine) throws Exception {
        Path bin = Files.createDirectories(tmp.resolve("bin-" + machine));
        Files.writeString(bin.resolve("uname"), "#!/bin/sh\necho " + machine + "\n");
        bin.resolve("uname").toFile().setExecutable(true);
        return new LocalHostTransport(
                fake.home, Map.of("FAKE", tmp.toString(), "PATH", bin + ":" + System.getenv("PATH")), false);
    }

    private static MkctlInstall.Upload x86AndArm(MkctlBinary x86, MkctlBinary arm) {
        Map<String, MkctlBinary> binaries = new LinkedHashMap<>();
        binaries.put(MkctlBinary.X86_64, x86);
        binaries.put(MkctlBinary.AARCH64, arm);
        return new MkctlInstall.Upload(".cache/multikernel", binaries);
    }

    @Test
    void uploadsTheBinaryForTheHostsMachine() throws Exception {
        MkctlBinary x86 = fake.binary;
        MkctlBinary arm = MkctlBinary.of((FakeMkctl.SCRIPT + "# aarch64\n").getBytes(StandardCharsets.UTF_8));
        fake.answer(
                "{\"operation\":\"mount\",\"mounted\":true,\"already_mounted\":false,\"interface\":\"current\"}", 0);
        Path armPath = fake.home.resolve(".cache/multikernel").resolve(arm.fileName());

        MkctlClient client = new MkctlClient(hostOfMachine("aarch64"), x86AndArm(x86, arm), MkctlOptions.DEFAULTS);
        assertThat(client.mount().mounted()).isTrue();
        assertThat(Files.readAllBytes(armPath)).isEqualTo(arm.content());
        assertThat(fake.installed())
                .as("the x86_64 binary is not uploaded to an aarch64 host")
                .doesNotExist();
        assertThat(client.mount().mounted()).isTrue();

        // an x86_64 host gets the x86_64 binary
        MkctlClient onX86 = new MkctlClient(hostOfMachine("x86_64"), x86AndArm(x86, arm), MkctlOptions.DEFAULTS);
        assertThat(onX86.mount().mounted()).isTrue();
        assertThat(Files.readAllBytes(fake.installed())).isEqualTo(x86.content());
    }

    @Test
    void explainsAMachineWithoutABinary() throws Exception {
        MkctlBinary arm = MkctlBinary.of((FakeMkctl.SCRIPT + "# aarch64\n").getBytes(StandardCharsets.UTF_8));
        MkctlClient client =
                new MkctlClient(hostOfMachine("riscv64"), x86AndArm(fake.binary, arm), MkctlOptions.DEFAULTS);

        assertThatThrownBy(client::mount)
                .isInstanceOf(MkctlDeploymentException.class)
                .hasMessageContaining("is a riscv64 machine")
                .hasMessageContaining("mkctl for x86_64 and aarch64 only");
        assertThat(fake.installed()).doesNotExist();
    }

    @Test
    void buildsTheCommandLineAndSendsBlobsRaw() throws Exception {
        fake.answer("{\"operation\":\"load\",\"id\":7,\"flags\":\"0xf0\",\"status\":\"loaded\"}", 0);
        MkctlResult.Loaded loaded = fake.client()
                .load(7, "/boot/vm linuz", Optional.of("/boot/it's.img"), "console=ttyS0 quiet \"x\" $HOME");
        assertThat(loaded).isEqualTo(new MkctlResult.Loaded(7, "0xf0", Optional.of(InstanceStatus.LOADED)));
        assertThat(fake.argv())
                .containsExactly(
                        "--lock-timeout",
                        "30",
                        "load",
                        "--id",
                        "7",
                        "--kernel",
                        "/boot/vm linuz",
                        "--initrd",
                        "/boot/it's.img",
                        "--cmdline",
                        "console=ttyS0 quiet \"x\" $HOME");

        fake.answer(
                "{\"operation\":\"overlay-apply\",\"bytes\":4,\"transaction\":{\"id\":3,\"status\":\"applied\","
                        + "\"instance\":\"/instances/web\",\"resources\":\"unknown\"},\"warnings\":[]}",
                0);
        byte[] blob = {(byte) 0xd0, 0x0d, (byte) 0xfe, (byte) 0xed};
        MkctlResult.OverlayApplied applied = fake.client().applyOverlay(blob);
        assertThat(applied.transaction().status()).isEqualTo(TransactionStatus.APPLIED);
        assertThat(applied.transaction().id()).isEqualTo(3);
        assertThat(fake.stdin()).isEqualTo(blob);
        assertThat(fake.argv()).containsExactly("--lock-timeout", "30", "overlay-apply");

        fake.answer("{\"operation\":\"halt\",\"id\":2,\"mode\":\"force\",\"status\":\"loaded\"}", 0);
        assertThat(fake.client()
                        .halt(2, HaltMode.GRACEFUL_THEN_FORCE, Duration.ofSeconds(45))
                        .forced())
                .isTrue();
        assertThat(fake.argv())
                .containsExactly("--lock-timeout", "30", "halt", "--id", "2", "--timeout", "45", "--force");
    }

    @Test
    void sendsABatchAsJsonAndMapsEachResult() throws Exception {
        fake.answer(
                "{\"operation\":\"batch\",\"completed\":3,\"total\":3,\"results\":["
                        + "{\"operation\":\"mount\",\"mounted\":true,\"already_mounted\":true,\"interface\":\"rfc-v2\"},"
                        + "{\"operation\":\"v2-create\",\"bytes\":300,\"instances\":[{\"name\":\"web\",\"id\":1,\"status\":\"ready\"}]},"
                        + "{\"operation\":\"exec\",\"id\":1,\"status\":\"active\"}]}",
                0);
        byte[] tree = {1, 2, 3};
        List<MkctlResult> results = fake.client()
                .batch(List.of(
                        new MkctlOperation.Mount(),
                        new MkctlOperation.V2Create(tree, List.of("web")),
                        new MkctlOperation.Exec(1)));
        assertThat(results.get(0)).isEqualTo(new MkctlResult.Mounted(true, true, InterfaceGeneration.RFC_V2));
        assertThat(((MkctlResult.V2Created) results.get(1)).instances())
                .extracting(MkctlResult.V2Instance::status)
                .containsExactly(InstanceStatus.READY);
        assertThat(results.get(2)).isEqualTo(new MkctlResult.Started(1, Optional.of(InstanceStatus.ACTIVE)));
        JsonNode sent = new ObjectMapper().readTree(fake.stdin());
        assertThat(sent.toString())
                .isEqualTo("[{\"op\":\"mount\"},{\"op\":\"v2-create\",\"blob\":\""
                        + Base64.getEncoder().encodeToString(tree)
                        + "\",\"expect\":[\"web\"]},{\"op\":\"exec\",\"id\":1}]");
        assertThat(fake.argv()).containsExactly("--lock-timeout", "30", "batch");
    }

    @Test
    void aBatchFailureCarriesWhatCompleted() throws Exception {
        fake.answer(
                "{\"error\":{\"operation\":\"load\",\"kind\":\"os\",\"errno\":\"ENOEXEC\",\"errno_number\":8,"
                        + "\"call\":\"kexec_file_load\",\"path\":\"/boot/x\",\"message\":\"kexec_file_load(id 1) failed: Exec format error\","
                        + "\"batch_index\":1},\"operation\":\"batch\",\"completed\":1,\"total\":2,\"results\":["
                        + "{\"operation\":\"unload\",\"id\":1,\"flags\":\"0x31\",\"status\":\"ready\"}]}",
                1);
        assertThatThrownBy(() -> fake.client()
                        .batch(List.of(
                                new MkctlOperation.Unload(1),
                                new MkctlOperation.Load(1, "/boot/x", Optional.empty(), ""))))
                .isInstanceOfSatisfying(KernelRefusedException.class, e -> {
                    assertThat(e.errno()).hasValue(Errno.ENOEXEC);
                    assertThat(e.completed())
                            .containsExactly(new MkctlResult.Unloaded(1, "0x31", Optional.of(InstanceStatus.READY)));
                    assertThat(e.getMessage()).contains("batch operation 1").contains("Exec format error");
                });
        // a usage error in a batch: nothing ran, no results
        fake.answer(
                "{\"error\":{\"operation\":\"batch\",\"kind\":\"usage\",\"errno\":null,\"errno_number\":null,"
                        + "\"call\":null,\"path\":null,\"message\":\"element 0: unknown op\"}}",
                2);
        assertThatThrownBy(() -> fake.client().batch(List.of(new MkctlOperation.Mount())))
                .isInstanceOfSatisfying(
                        MkctlUsageException.class,
                        e -> assertThat(e.completed()).isEmpty());
    }

    @Test
    void everyErrorKindHasItsType() throws Exception {
        String[][] cases = {
            {"os", "1", "KernelRefusedException"},
            {"short_write", "1", "KernelRefusedException"},
            {"usage", "2", "MkctlUsageException"},
            {"lock_timeout", "3", "HostBusyException"},
            {"halt_timeout", "4", "HaltTimeoutException"},
            {"not_applied", "5", "NotAppliedException"},
            {"sim", "6", "SimulatorException"},
            {"internal", "7", "MkctlProtocolException"},
        };
        MkctlClient client = fake.client();
        for (String[] c : cases) {
            fake.answer(
                    "{\"error\":{\"operation\":\"mount\",\"kind\":\"" + c[0] + "\",\"errno\":null,"
                            + "\"errno_number\":null,\"call\":null,\"path\":null,\"message\":\"it failed\"}}",
                    Integer.parseInt(c[1]));
            assertThatThrownBy(client::mount)
                    .as(c[0])
                    .satisfies(e -> assertThat(e.getClass().getSimpleName()).isEqualTo(c[2]))
                    .hasMessageContaining("mount on")
                    .hasMessageContaining("it failed");
        }
    }

    @Test
    void errnoAndHintsMakeActionableMessages() throws Exception {
        fake.answer(
                "{\"error\":{\"operation\":\"baseline\",\"kind\":\"os\",\"errno\":\"EBUSY\",\"errno_number\":16,"
                        + "\"call\":\"write\",\"path\":\"/sys/fs/multikernel/device_tree\",\"message\":\"write failed\"}}",
                1);
        assertThatThrownBy(() -> fake.client().baseline(new byte[] {1}))
                .isInstanceOfSatisfying(KernelRefusedException.class, e -> {
                    assertThat(e.errno()).hasValue(Errno.EBUSY);
                    assertThat(e.error().orElseThrow().path()).hasValue("/sys/fs/multikernel/device_tree");
                })
                .hasMessageContaining("[EBUSY from write]")
                .hasMessageContaining("already applied");

        fake.answer(
                "{\"error\":{\"operation\":\"state\",\"kind\":\"os\",\"errno\":\"EACCES\",\"errno_number\":13,"
                        + "\"call\":\"open\",\"path\":\"/sys/fs/multikernel/device_tree\",\"message\":\"open failed\"}}",
                1);
        assertThatThrownBy(() -> fake.client().state()).hasMessageContaining("must run as root");

        fake.answer(
                "{\"error\":{\"operation\":\"overlay-apply\",\"kind\":\"not_applied\",\"errno\":null,"
                        + "\"errno_number\":null,\"call\":null,\"path\":\"/sys/fs/multikernel/overlays/tx_7\","
                        + "\"message\":\"overlay transaction 7 ended with status 'failed'\",\"transaction_id\":7,"
                        + "\"transaction_status\":\"failed\"}}",
                5);
        assertThatThrownBy(() -> fake.client().applyOverlay(new byte[] {1}))
                .isInstanceOfSatisfying(
                        NotAppliedException.class,
                        e -> assertThat(e.error().orElseThrow().transactionId()).hasValue(7))
                .hasMessageContaining("must be removed");

        fake.answer(
                "{\"error\":{\"operation\":\"unload\",\"kind\":\"os\",\"errno\":\"E135\",\"errno_number\":135,"
                        + "\"call\":\"kexec_file_load\",\"path\":null,\"message\":\"odd\"}}",
                1);
        assertThatThrownBy(() -> fake.client().unload(1)).isInstanceOfSatisfying(KernelRefusedException.class, e -> {
            assertThat(e.errno()).hasValue(Errno.OTHER);
            assertThat(e.error().orElseThrow().errnoName()).hasValue("E135");
        });
    }

    @Test
    void answersOutsideTheContractAreProtocolErrors() throws Exception {
        MkctlClient client = fake.client();
        fake.answer("this is not json", 0);
        assertThatThrownBy(client::mount)
                .isInstanceOf(MkctlProtocolException.class)
                .hasMessageContaining("not JSON");
        fake.answer("", 0);
        assertThatThrownBy(client::mount)
                .isInstanceOf(MkctlProtocolException.class)
                .hasMessageContaining("printed nothing");
        fake.answer("{\"operation\":\"state\"}", 0);
        assertThatThrownBy(client::mount)
                .isInstanceOf(MkctlProtocolException.class)
                .hasMessageContaining("expected 'mount'");
        fake.answer(
                "{\"operation\":\"mount\",\"mounted\":true,\"already_mounted\":false,\"interface\":\"current\"}", 1);
        assertThatThrownBy(client::mount)
                .isInstanceOf(MkctlProtocolException.class)
                .hasMessageContaining("without an error");
        fake.answer(
                "{\"operation\":\"mount\",\"mounted\":\"yes\",\"already_mounted\":false,\"interface\":\"current\"}", 0);
        assertThatThrownBy(client::mount)
                .isInstanceOf(MkctlProtocolException.class)
                .hasMessageContaining("mount.mounted");
        fake.answer("[1,2]", 0);
        assertThatThrownBy(client::mount).isInstanceOf(MkctlProtocolException.class);
        fake.answer("{\"operation\":\"mount\",\"mounted\":true,\"already_mounted\":false,\"interface\":\"v3\"}", 0);
        assertThatThrownBy(client::mount)
                .isInstanceOf(MkctlProtocolException.class)
                .hasMessageContaining("'v3'");
        // unknown keys are ignored, as the contract asks
        fake.answer(
                "{\"operation\":\"mount\",\"mounted\":true,\"already_mounted\":false,\"interface\":\"current\","
                        + "\"new_key\":{\"x\":1}}",
                0);
        assertThat(client.mount().mounted()).isTrue();
    }

    @Test
    void aPreinstalledMkctlMustExistAndSpeakOurContract() throws Exception {
        Path program = fake.home.resolve("mkctl");
        MkctlClient missing = new MkctlClient(
                fake.transport, new MkctlInstall.Preinstalled(program.toString()), MkctlOptions.DEFAULTS);
        assertThatThrownBy(missing::mount)
                .isInstanceOf(MkctlDeploymentException.class)
                .hasMessageContaining("not at the configured path " + program);

        Files.write(program, fake.binary.content());
        program.toFile().setExecutable(true);
        fake.answer(
                "version",
                "{\"operation\":\"version\",\"version\":\"9.0\",\"contract\":2,\"mode\":\"real\","
                        + "\"arch\":\"x86_64\"}",
                0);
        MkctlClient old = new MkctlClient(
                fake.transport, new MkctlInstall.Preinstalled(program.toString()), MkctlOptions.DEFAULTS);
        assertThatThrownBy(old::mount)
                .isInstanceOf(MkctlDeploymentException.class)
                .hasMessageContaining("contract version 2");

        fake.answer(
                "version",
                "{\"operation\":\"version\",\"version\":\"0.1.0\",\"contract\":1,\"mode\":\"real\","
                        + "\"arch\":\"x86_64\"}",
                0);
        fake.answer("{\"operation\":\"mount\",\"mounted\":true,\"already_mounted\":true,\"interface\":\"current\"}", 0);
        MkctlClient good = new MkctlClient(
                fake.transport, new MkctlInstall.Preinstalled(program.toString()), MkctlOptions.DEFAULTS);
        assertThat(good.mount().alreadyMounted()).isTrue();
        assertThat(fake.home.resolve(".cache")).doesNotExist();
    }

    @Test
    void operationsRefuseValuesMkctlWouldRefuse() {
        assertThatThrownBy(() -> new MkctlOperation.Exec(0)).hasMessageContaining("1..2047");
        assertThatThrownBy(() -> new MkctlOperation.Exec(2048)).hasMessageContaining("1..2047");
        assertThatThrownBy(() -> new MkctlOperation.OverlayApply(new byte[0])).hasMessageContaining("empty");
        assertThatThrownBy(() -> new MkctlOperation.V2Create(new byte[4097], List.of()))
                .hasMessageContaining("4096");
        assertThatThrownBy(() -> new MkctlOperation.V2Remove("a/b")).hasMessageContaining("no '/'");
        assertThatThrownBy(() -> new MkctlOperation.Halt(1, HaltMode.GRACEFUL, Duration.ofSeconds(601)))
                .hasMessageContaining("1..600");
        assertThatThrownBy(() -> fake.client().batch(java.util.Collections.nCopies(257, new MkctlOperation.Mount())))
                .hasMessageContaining("256");
    }
}
