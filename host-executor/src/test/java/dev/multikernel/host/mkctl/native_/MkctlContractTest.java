package dev.multikernel.host.mkctl.native_;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The parts of docs/mkctl.md every command shares: version, usage errors, output shape. */
class MkctlContractTest {
    @TempDir
    Path tmp;

    @Test
    void embeddedBinaryMatchesItsChecksumResource() throws Exception {
        byte[] binary = Files.readAllBytes(Mkctl.binary());
        String expected;
        try (InputStream in = getClass().getClassLoader().getResourceAsStream(Mkctl.RESOURCE + ".sha256")) {
            assertThat(in).isNotNull();
            expected = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
        String actual =
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(binary));
        assertThat(expected).isEqualTo(actual + "\n");
        // a static x86_64 ELF executable: no interpreter needed on the target host
        assertThat(binary[0]).isEqualTo((byte) 0x7f);
        assertThat(new String(binary, 1, 3, StandardCharsets.US_ASCII)).isEqualTo("ELF");
        assertThat(binary[4]).as("ELFCLASS64").isEqualTo((byte) 2);
        assertThat(new String(binary, StandardCharsets.ISO_8859_1)).doesNotContain("/lib64/ld-linux-x86-64.so.2");
    }

    @Test
    void versionNamesContractAndRealMode() throws Exception {
        Map<String, Object> v = Mkctl.run("version").ok();
        assertThat(v)
                .containsExactly(
                        Map.entry("operation", "version"),
                        Map.entry("version", "0.1.0"),
                        Map.entry("contract", 1L),
                        Map.entry("mode", "real"),
                        Map.entry("arch", "x86_64"));
    }

    @Test
    void helpIsPlainTextForHumans() throws Exception {
        Mkctl.Result r = Mkctl.run("help");
        assertThat(r.exitCode()).isZero();
        assertThat(r.stdout()).startsWith("usage: mkctl").contains("overlay-apply", "MKCTL_SIM_SOCKET");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "no subcommand||mkctl|no subcommand",
                "unknown subcommand|frobnicate|frobnicate|unknown subcommand 'frobnicate'",
                "unknown option|state --verbose|state|unknown option --verbose",
                "extra argument|state now|state|unexpected argument 'now'",
                "option of another subcommand|state --id 3|state|state does not take --id",
                "missing id|exec|exec|exec needs --id",
                "id zero|exec --id 0|exec|--id must be 1..2047",
                "id above the kexec field|unload --id 2048|unload|--id must be 1..2047",
                "id not a number|exec --id one|exec|--id must be an integer, got 'one'",
                "missing kernel|load --id 1|load|load needs --kernel",
                "empty kernel|load --id 1 --kernel=|load|--kernel must not be empty",
                "option twice|exec --id 1 --id 2|exec|--id given twice",
                "value missing|exec --id|exec|--id needs a value",
                "flag with value|halt --id 1 --force=yes|halt|--force takes no value",
                "both force modes|halt --id 1 --force --force-now|halt|give either --force or --force-now",
                "halt timeout zero|halt --id 1 --timeout 0|halt|--timeout must be 1..600",
                "halt timeout too long|halt --id 1 --timeout 601|halt|--timeout must be 1..600",
                "name with slash|v2-remove --name a/b|v2-remove|instance name must be non-empty",
                "dot name|v2-remove --name ..|v2-remove|instance name must be non-empty",
                "lock timeout|state --lock-timeout 3601|state|--lock-timeout must be an integer",
                "no-lock value|state --no-lock=1|state|--no-lock takes no value",
                "negative transaction|overlay-remove --id -1|overlay-remove|transaction number",
                "batch options|batch --id 1|batch|batch takes its operations on stdin",
            })
    void usageErrorsExit2WithoutDoingAnything(String title, String args, String operation, String message)
            throws Exception {
        List<String> argv = args == null ? List.of() : List.of(args.split(" "));
        // under strace with injection: a usage bug must never turn into a real system call
        Strace.Traced t = Strace.injectingSuccess().run(tmp, argv, new byte[0]);
        assertThat(t.calls()).as("nothing was done").isEmpty();
        Map<String, Object> e = t.result().error(2);
        assertThat(e)
                .containsEntry("operation", operation)
                .containsEntry("kind", "usage")
                .containsEntry("errno", null)
                .containsEntry("errno_number", null)
                .containsEntry("call", null)
                .containsEntry("path", null);
        assertThat((String) e.get("message")).contains(message);
    }

    @Test
    void blobCommandsRejectEmptyAndOversizedStdin() throws Exception {
        FakeHost h = FakeHost.create(tmp).currentTree(true, new byte[] {1});
        Map<String, Object> e = Mkctl.run(h.args("overlay-apply"), new byte[0]).error(2);
        assertThat((String) e.get("message")).contains("the blob is empty");

        e = Mkctl.run(h.args("baseline"), new byte[(4 << 20) + 1]).error(2);
        assertThat((String) e.get("message")).contains("stdin is larger than 4194304 bytes");
        assertThat(Files.readAllBytes(h.mk().resolve("device_tree"))).containsExactly(1);

        e = Mkctl.run(h.args("v2-create"), new byte[4097]).error(2);
        assertThat((String) e.get("message")).contains("RFC v2 takes at most 4096");
    }

    @Test
    void globalOptionsMayFollowTheSubcommand() throws Exception {
        FakeHost h = FakeHost.create(tmp);
        List<String> args = new ArrayList<>(List.of("state"));
        args.addAll(h.args());
        assertThat(Mkctl.run(args, new byte[0]).ok()).containsEntry("boot_id", FakeHost.BOOT_ID);
    }

    @Test
    void osErrorsNameTheErrnoCallAndPath() throws Exception {
        FakeHost h = FakeHost.create(tmp).currentTree(true, new byte[] {1});
        h.delete("sys/fs/multikernel/overlays/new");
        Map<String, Object> e =
                Mkctl.run(h.args("overlay-apply"), new byte[] {1, 2}).error(1);
        assertThat(e)
                .containsEntry("kind", "os")
                .containsEntry("errno", "ENOENT")
                .containsEntry("errno_number", 2L)
                .containsEntry("call", "open")
                .containsEntry("path", h.mk().resolve("overlays/new").toString());
        assertThat(e).doesNotContainKeys("transaction_id", "batch_index");
    }
}
