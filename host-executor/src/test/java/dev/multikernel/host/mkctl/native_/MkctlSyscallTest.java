package dev.multikernel.host.mkctl.native_;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * load, unload, exec, halt and mount: the exact system calls, read from strace, which injects
 * their results so that none of them reaches this machine's kernel.
 */
class MkctlSyscallTest {
    @TempDir
    Path tmp;

    private FakeHost host;
    private Path kernel;
    private Path initrd;

    private static final long HALT = 0x4D4B4C48L;
    private static final long HALT_FORCE = 0x4D4B4C46L;
    private static final long BOOT = 0x4D4B4C49L;

    @BeforeEach
    void setUp() throws Exception {
        host = FakeHost.create(tmp.resolve("host"))
                .currentTree(true, new byte[] {1})
                .instance("web", 3, "ready", new byte[] {2});
        kernel = Files.write(tmp.resolve("vmlinuz-spawn"), new byte[] {'M', 'Z'});
        initrd = Files.write(tmp.resolve("initrd.img"), new byte[] {0x1f, (byte) 0x8b});
    }

    private Strace.Traced run(Strace s, String... args) throws Exception {
        return s.run(tmp, host.args(args), new byte[0]);
    }

    @Test
    void loadWithoutInitrdPassesNoInitramfsAndTheIdBits() throws Exception {
        Strace.Traced t = run(
                Strace.injectingSuccess(),
                "load",
                "--id",
                "3",
                "--kernel",
                kernel.toString(),
                "--cmdline",
                "console=ttyS0 root=/dev/vda \"quoted\"");
        Map<String, Object> r = t.result().ok();
        assertThat(r)
                .containsExactly(
                        Map.entry("operation", "load"),
                        Map.entry("id", 3L),
                        Map.entry("flags", "0x74"),
                        Map.entry("status", "ready"));
        Strace.Call c = t.calls("kexec_file_load").get(0);
        assertThat(t.calls("kexec_file_load")).hasSize(1);
        assertThat(Strace.fdPath(c.args().get(0))).isEqualTo(kernel.toString());
        assertThat(c.args().get(1)).isEqualTo("-1");
        String cmdline = "console=ttyS0 root=/dev/vda \"quoted\"";
        assertThat(c.args().get(2)).as("cmdline length with the NUL").isEqualTo(String.valueOf(cmdline.length() + 1));
        assertThat(c.args().get(3)).isEqualTo("\"console=ttyS0 root=/dev/vda \\\"quoted\\\"\\0\"");
        assertThat(Strace.number(c.args().get(4))).isEqualTo(0x10L | (3L << 5) | 0x4L);
    }

    @Test
    void loadWithInitrdAndTheHighestIdPassesBothFds() throws Exception {
        Strace.Traced t = run(
                Strace.injectingSuccess(),
                "load",
                "--id",
                "2047",
                "--kernel",
                kernel.toString(),
                "--initrd",
                initrd.toString());
        assertThat(t.result().ok()).containsEntry("flags", "0xfff0").containsEntry("status", null);
        Strace.Call c = t.calls("kexec_file_load").get(0);
        assertThat(Strace.fdPath(c.args().get(0))).isEqualTo(kernel.toString());
        assertThat(Strace.fdPath(c.args().get(1))).isEqualTo(initrd.toString());
        assertThat(c.args().get(2)).isEqualTo("1");
        assertThat(c.args().get(3)).isEqualTo("\"\\0\"");
        assertThat(Strace.number(c.args().get(4))).isEqualTo(0x10L | (2047L << 5));
    }

    @ParameterizedTest
    @ValueSource(strings = {"EBUSY", "ENOENT", "EINVAL", "ENOMEM", "EPERM", "ENOEXEC"})
    void loadErrorsCarryTheErrnoAndTheInstanceStatus(String errno) throws Exception {
        Strace.Traced t = run(
                Strace.injectingSuccess().fail("kexec_file_load", errno),
                "load",
                "--id",
                "3",
                "--kernel",
                kernel.toString());
        Map<String, Object> e = t.result().error(1);
        assertThat(e)
                .containsEntry("operation", "load")
                .containsEntry("kind", "os")
                .containsEntry("errno", errno)
                .containsEntry("call", "kexec_file_load")
                .containsEntry("path", kernel.toString())
                .containsEntry("instance_status", "ready");
        assertThat(t.calls("kexec_file_load")).hasSize(1);
    }

    @Test
    void loadOfAMissingKernelFileFailsBeforeTheSyscall() throws Exception {
        Strace.Traced t = run(Strace.injectingSuccess(), "load", "--id", "3", "--kernel", tmp + "/nope");
        Map<String, Object> e = t.result().error(1);
        assertThat(e)
                .containsEntry("errno", "ENOENT")
                .containsEntry("call", "open")
                .containsEntry("path", tmp + "/nope")
                .doesNotContainKey("instance_status");
        assertThat(t.calls()).isEmpty();
    }

    @Test
    void loadOfAMissingInitrdFailsBeforeTheSyscall() throws Exception {
        Strace.Traced t = run(
                Strace.injectingSuccess(),
                "load",
                "--id",
                "3",
                "--kernel",
                kernel.toString(),
                "--initrd",
                tmp + "/nope.img");
        assertThat(t.result().error(1)).containsEntry("call", "open").containsEntry("path", tmp + "/nope.img");
        assertThat(t.calls()).isEmpty();
    }

    @Test
    void unloadPassesUnloadMultikernelAndId() throws Exception {
        Strace.Traced t = run(Strace.injectingSuccess(), "unload", "--id", "3");
        assertThat(t.result().ok())
                .containsExactly(
                        Map.entry("operation", "unload"),
                        Map.entry("id", 3L),
                        Map.entry("flags", "0x71"),
                        Map.entry("status", "ready"));
        Strace.Call c = t.calls("kexec_file_load").get(0);
        assertThat(c.args().subList(0, 4)).containsExactly("-1", "-1", "0", "NULL");
        assertThat(Strace.number(c.args().get(4))).isEqualTo(0x1L | 0x10L | (3L << 5));
    }

    @Test
    void unloadErrorIsReported() throws Exception {
        Strace.Traced t = run(Strace.injectingSuccess().fail("kexec_file_load", "EINVAL"), "unload", "--id", "3");
        assertThat(t.result().error(1))
                .containsEntry("errno", "EINVAL")
                .containsEntry("path", null)
                .containsEntry("instance_status", "ready");
    }

    @Test
    void execCallsRebootWithTheMultikernelCommand() throws Exception {
        Strace.Traced t = run(Strace.injectingSuccess(), "exec", "--id", "3");
        assertThat(t.result().ok())
                .containsExactly(Map.entry("operation", "exec"), Map.entry("id", 3L), Map.entry("status", "ready"));
        Strace.Call c = t.calls("reboot").get(0);
        assertThat(t.calls("reboot")).hasSize(1);
        assertThat(Strace.number(c.args().get(0))).isEqualTo(0xfee1deadL);
        assertThat(Strace.number(c.args().get(1))).isEqualTo(672274793L);
        assertThat(Strace.number(c.args().get(2))).isEqualTo(BOOT);
    }

    @ParameterizedTest
    @ValueSource(strings = {"EBUSY", "EINVAL", "EFAULT", "ENOENT"})
    void execErrors(String errno) throws Exception {
        Strace.Traced t = run(Strace.injectingSuccess().fail("reboot", errno), "exec", "--id", "3");
        assertThat(t.result().error(1))
                .containsEntry("kind", "os")
                .containsEntry("errno", errno)
                .containsEntry("call", "reboot");
    }

    @Test
    void gracefulHalt() throws Exception {
        Strace.Traced t = run(Strace.injectingSuccess(), "halt", "--id", "3");
        assertThat(t.result().ok())
                .containsExactly(
                        Map.entry("operation", "halt"),
                        Map.entry("id", 3L),
                        Map.entry("mode", "graceful"),
                        Map.entry("status", "ready"));
        assertThat(t.calls("reboot"))
                .extracting(c -> Strace.number(c.args().get(2)))
                .containsExactly(HALT);
    }

    @Test
    void haltTimedOutInTheKernelWithoutForceIsExit4() throws Exception {
        Strace.Traced t = run(Strace.injectingSuccess().fail("reboot", "ETIMEDOUT"), "halt", "--id", "3");
        Map<String, Object> e = t.result().error(4);
        assertThat(e)
                .containsEntry("kind", "halt_timeout")
                .containsEntry("errno", "ETIMEDOUT")
                .containsEntry("call", "reboot")
                .containsEntry("instance_status", "ready");
        assertThat((String) e.get("message")).contains("--force");
        assertThat(t.calls("reboot"))
                .extracting(c -> Strace.number(c.args().get(2)))
                .containsExactly(HALT);
    }

    @Test
    void haltTimedOutInTheKernelWithForceEscalates() throws Exception {
        // every reboot is injected with ETIMEDOUT, so the force halt fails too: both calls show
        Strace.Traced t = run(Strace.injectingSuccess().fail("reboot", "ETIMEDOUT"), "halt", "--id", "3", "--force");
        assertThat(t.result().error(1)).containsEntry("kind", "os").containsEntry("errno", "ETIMEDOUT");
        assertThat(t.calls("reboot"))
                .extracting(c -> Strace.number(c.args().get(2)))
                .containsExactly(HALT, HALT_FORCE);
    }

    @Test
    void haltThatOutlivesTheTimeoutEscalatesToForce() throws Exception {
        Strace.Traced t = run(
                Strace.injectingSuccess().delaySuccess("reboot", Duration.ofSeconds(4)),
                "halt",
                "--id",
                "3",
                "--timeout",
                "1",
                "--force");
        assertThat(t.result().ok()).containsEntry("mode", "force");
        List<Long> cmds = t.calls("reboot").stream()
                .map(c -> Strace.number(c.args().get(2)))
                .toList();
        assertThat(cmds).contains(HALT_FORCE);
        // the graceful call was made in a child process, the force call in mkctl itself
        Strace.Call graceful = t.calls("reboot").stream()
                .filter(c -> Strace.number(c.args().get(2)) == HALT)
                .findFirst()
                .orElseThrow();
        Strace.Call force = t.calls("reboot").stream()
                .filter(c -> Strace.number(c.args().get(2)) == HALT_FORCE)
                .findFirst()
                .orElseThrow();
        assertThat(graceful.pid()).isNotEqualTo(force.pid());
    }

    @Test
    void haltThatOutlivesTheTimeoutWithoutForceIsExit4() throws Exception {
        Strace.Traced t = run(
                Strace.injectingSuccess().delaySuccess("reboot", Duration.ofSeconds(4)),
                "halt",
                "--id",
                "3",
                "--timeout",
                "1");
        Map<String, Object> e = t.result().error(4);
        assertThat(e).containsEntry("kind", "halt_timeout").containsEntry("errno", null);
        assertThat((String) e.get("message")).contains("did not finish within 1 s");
    }

    @Test
    void forceNowSkipsTheGracefulHalt() throws Exception {
        Strace.Traced t = run(Strace.injectingSuccess(), "halt", "--id", "3", "--force-now");
        assertThat(t.result().ok()).containsEntry("mode", "force");
        assertThat(t.calls("reboot"))
                .extracting(c -> Strace.number(c.args().get(2)))
                .containsExactly(HALT_FORCE);
    }

    @Test
    void haltOtherErrorsDoNotEscalate() throws Exception {
        Strace.Traced t = run(Strace.injectingSuccess().fail("reboot", "EINVAL"), "halt", "--id", "3", "--force");
        assertThat(t.result().error(1)).containsEntry("errno", "EINVAL").containsEntry("kind", "os");
        assertThat(t.calls("reboot")).hasSize(1);
    }

    @Test
    void haltThatLeavesTheInstanceFailedIsNotApplied() throws Exception {
        host.file("sys/fs/multikernel/instances/web/status", "failed\n");
        Strace.Traced t = run(Strace.injectingSuccess(), "halt", "--id", "3");
        Map<String, Object> e = t.result().error(5);
        assertThat(e)
                .containsEntry("kind", "not_applied")
                .containsEntry("instance_status", "failed")
                .containsEntry("path", host.mk().resolve("instances/web").toString());
    }

    @Test
    void mountCallsMountWhenNotMounted() throws Exception {
        FakeHost h = FakeHost.create(tmp.resolve("other")).currentTree(false, new byte[0]);
        Strace.Traced t = Strace.injectingSuccess().run(tmp, h.args("mount"), new byte[0]);
        // the injected mount changes nothing in the tree, so the fs still reads as unmounted
        assertThat(t.result().ok())
                .containsExactly(
                        Map.entry("operation", "mount"),
                        Map.entry("mounted", false),
                        Map.entry("already_mounted", false),
                        Map.entry("interface", "unknown"));
        Strace.Call c = t.calls("mount").get(0);
        assertThat(c.args()).containsExactly("\"none\"", "\"" + h.mk() + "\"", "\"multikernel\"", "0", "NULL");
    }

    @Test
    void mountWhenAlreadyMountedMakesNoCall() throws Exception {
        Strace.Traced t = run(Strace.injectingSuccess(), "mount");
        assertThat(t.result().ok())
                .containsEntry("mounted", true)
                .containsEntry("already_mounted", true)
                .containsEntry("interface", "current");
        assertThat(t.calls()).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"ENODEV", "ENOENT", "EPERM", "EBUSY"})
    void mountErrors(String errno) throws Exception {
        FakeHost h = FakeHost.create(tmp.resolve("other")).currentTree(false, new byte[0]);
        Strace.Traced t = Strace.injectingSuccess().fail("mount", errno).run(tmp, h.args("mount"), new byte[0]);
        Map<String, Object> e = t.result().error(1);
        assertThat(e)
                .containsEntry("errno", errno)
                .containsEntry("call", "mount")
                .containsEntry("path", h.mk().toString());
        if (errno.equals("ENODEV")) {
            assertThat((String) e.get("message")).contains("no multikernel support");
        }
    }

    @Test
    void straceCommandLinesWithoutInjectionAreRefused() {
        List<String> unsafe = List.of(
                "strace",
                "-f",
                "-e",
                "trace=reboot",
                "-e",
                "inject=reboot:retval=0",
                "--",
                "mkctl",
                "exec",
                "--id",
                "1");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Strace.assertSafe(unsafe))
                .isInstanceOf(AssertionError.class);
        List<String> partial = List.of(
                "strace",
                "-f",
                "-e",
                "inject=reboot:retval=0",
                "-e",
                "inject=kexec_file_load:error=EBUSY:when=1",
                "-e",
                "inject=mount:retval=0",
                "--",
                "mkctl");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Strace.assertSafe(partial))
                .isInstanceOf(AssertionError.class);
    }
}
