package dev.multikernel.host.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalHostTransportTest {

    private static final Duration T = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    @Test
    void runsInItsDirectoryWithItsEnvironment() throws Exception {
        LocalHostTransport t = new LocalHostTransport(dir, Map.of("GREETING", "hi there"), false);
        ExecResult r = t.exec(
                ExecRequest.mutate("cat; echo; echo \"$GREETING\"; pwd; echo oops >&2; exit 4", "in".getBytes(), T));
        assertThat(r.exitStatus()).isEqualTo(4);
        assertThat(r.stdoutText()).isEqualTo("in\nhi there\n" + dir.toRealPath() + "\n");
        assertThat(r.stderrText()).isEqualTo("oops\n");
    }

    @Test
    void aTimeoutIsAFailureAndKillsTheCommand() {
        LocalHostTransport t = new LocalHostTransport(dir, Map.of(), false);
        assertThatThrownBy(() -> t.exec(ExecRequest.mutate("sleep 30", new byte[0], Duration.ofMillis(300))))
                .isInstanceOfSatisfying(
                        CommandTimeoutException.class,
                        e -> assertThat(e.started()).isTrue());
    }

    @Test
    void uploadsRelativeToItsDirectory() throws Exception {
        LocalHostTransport t = new LocalHostTransport(dir, Map.of(), false);
        t.upload("payload".getBytes(), "a/b/file", 0640, T);
        assertThat(Files.readString(dir.resolve("a/b/file"))).isEqualTo("payload");
        assertThat(Files.getPosixFilePermissions(dir.resolve("a/b/file")))
                .isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rw-r-----"));
        assertThat(Files.getPosixFilePermissions(dir.resolve("a/b")))
                .isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        Files.writeString(dir.resolve("blocker"), "x");
        assertThatThrownBy(() -> t.upload("p".getBytes(), "blocker/file", 0644, T))
                .isInstanceOf(RemoteCommandException.class)
                .hasMessageContaining("blocker/file");
        // nothing half-written is left behind
        assertThat(Files.list(dir)).noneMatch(p -> p.getFileName().toString().contains(".tmp-"));
    }

    @Test
    void aGuardThatFailsStopsTheCommand() throws Exception {
        LocalHostTransport t = new LocalHostTransport(dir, Map.of(), false);
        ExecResult r = t.exec(ExecRequest.mutate("touch ran", new byte[0], T).withGuard("exit 9"));
        assertThat(r.exitStatus()).isEqualTo(9);
        assertThat(dir.resolve("ran")).doesNotExist();
    }
}
