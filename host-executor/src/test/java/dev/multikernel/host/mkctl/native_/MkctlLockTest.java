package dev.multikernel.host.mkctl.native_;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The flock that serialises mkctl invocations (docs/mkctl.md "Global options"). */
class MkctlLockTest {
    @TempDir
    Path tmp;

    private FakeHost host;
    private Process holder;

    @BeforeEach
    void setUp() {
        host = FakeHost.create(tmp).currentTree(true, new byte[] {1}).dir("sys/fs/multikernel/overlays/tx_9");
    }

    @AfterEach
    void release() throws Exception {
        if (holder != null) {
            holder.descendants().forEach(ProcessHandle::destroyForcibly);
            holder.destroyForcibly();
            holder.waitFor(10, TimeUnit.SECONDS);
        }
    }

    /** Holds the lock file with flock(1) (same flock(2) lock as mkctl) until released. */
    private void hold(boolean exclusive) throws Exception {
        holder = new ProcessBuilder(
                        "flock",
                        exclusive ? "-x" : "-s",
                        "-o",
                        host.lock.toString(),
                        "-c",
                        "echo locked; exec sleep 120")
                .redirectErrorStream(true)
                .start();
        BufferedReader r = new BufferedReader(new InputStreamReader(holder.getInputStream(), StandardCharsets.UTF_8));
        assertThat(r.readLine()).isEqualTo("locked");
    }

    private void releaseHolder() throws Exception {
        holder.destroyForcibly();
        holder.waitFor(10, TimeUnit.SECONDS);
        holder = null;
    }

    private List<String> args(String... more) {
        return host.args(more);
    }

    @Test
    void mutationGivesUpAfterTheLockTimeoutAndDoesNothing() throws Exception {
        hold(true);
        Map<String, Object> e = Mkctl.run(args("overlay-remove", "--id", "9", "--lock-timeout", "1"), new byte[0])
                .error(3);
        assertThat(e)
                .containsEntry("operation", "overlay-remove")
                .containsEntry("kind", "lock_timeout")
                .containsEntry("errno", null)
                .containsEntry("call", "flock")
                .containsEntry("path", host.lock.toString());
        assertThat((String) e.get("message")).contains("another mkctl holds the lock");
        assertThat(host.mk().resolve("overlays/tx_9")).isDirectory();
    }

    @Test
    void lockTimeoutZeroTriesOnce() throws Exception {
        hold(true);
        Mkctl.run(args("overlay-remove", "--id", "9", "--lock-timeout", "0"), new byte[0])
                .error(3);
    }

    @Test
    void stateWaitsForAnExclusiveHolderButNotForReaders() throws Exception {
        hold(true);
        Mkctl.run(args("state", "--lock-timeout", "1"), new byte[0]).error(3);
        assertThat(Mkctl.run(args("state", "--no-lock"), new byte[0]).ok()).containsEntry("interface", "current");
        releaseHolder();

        hold(false); // a reader holds it: other readers go ahead, writers wait
        assertThat(Mkctl.run(args("state", "--lock-timeout", "0"), new byte[0]).ok())
                .containsEntry("interface", "current");
        Mkctl.run(args("overlay-remove", "--id", "9", "--lock-timeout", "1"), new byte[0])
                .error(3);
    }

    @Test
    void secondMutationWaitsForTheFirstThenRuns() throws Exception {
        hold(true);
        CompletableFuture<Mkctl.Result> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return Mkctl.run(args("overlay-remove", "--id", "9", "--lock-timeout", "60"), new byte[0]);
            } catch (Exception ex) {
                throw new IllegalStateException(ex);
            }
        });
        Thread.sleep(700);
        assertThat(waiting).isNotDone();
        assertThat(host.mk().resolve("overlays/tx_9"))
                .as("nothing done while the lock is held")
                .isDirectory();
        releaseHolder();
        Mkctl.Result r = waiting.get(60, TimeUnit.SECONDS);
        assertThat(r.ok()).containsEntry("removed", true);
        assertThat(host.mk().resolve("overlays/tx_9")).doesNotExist();
    }

    @Test
    void twoConcurrentMkctlMutationsAreSerialised() throws Exception {
        // The first mkctl holds the lock while strace keeps its (injected) graceful halt waiting.
        Path kernelTrace = tmp.resolve("first");
        Files.createDirectories(kernelTrace);
        host.instance("web", 3, "active", new byte[] {2});
        CompletableFuture<Strace.Traced> first = CompletableFuture.supplyAsync(() -> {
            try {
                return Strace.injectingSuccess()
                        .delaySuccess("reboot", java.time.Duration.ofSeconds(3))
                        .run(kernelTrace, args("halt", "--id", "3", "--timeout", "30"), new byte[0]);
            } catch (Exception ex) {
                throw new IllegalStateException(ex);
            }
        });
        // wait until the first one holds the lock (polling flock -n; bounded)
        boolean held = false;
        for (int i = 0; i < 100 && !held; i++) {
            Process probe = new ProcessBuilder("flock", "-n", "-x", host.lock.toString(), "true").start();
            held = probe.waitFor() == 1;
            if (!held) {
                Thread.sleep(50);
            }
        }
        assertThat(held).as("the first mkctl took the lock").isTrue();
        Map<String, Object> e = Mkctl.run(args("overlay-remove", "--id", "9", "--lock-timeout", "1"), new byte[0])
                .error(3);
        assertThat(e).containsEntry("kind", "lock_timeout");
        assertThat(first.get(60, TimeUnit.SECONDS).result().ok()).containsEntry("mode", "graceful");
        assertThat(Mkctl.run(args("overlay-remove", "--id", "9", "--lock-timeout", "0"), new byte[0])
                        .ok())
                .containsEntry("removed", true);
    }

    @Test
    void lockFileIsCreatedPrivate() throws Exception {
        Path lock = tmp.resolve("fresh.lock");
        List<String> a = new ArrayList<>(host.args());
        a.set(a.indexOf(host.lock.toString()), lock.toString());
        a.add("state");
        Mkctl.run(a, new byte[0]).ok();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(lock)))
                .isEqualTo("rw-------");
    }

    @Test
    void unusableLockPathIsAnOsError() throws Exception {
        List<String> a = new ArrayList<>(host.args());
        a.set(a.indexOf(host.lock.toString()), tmp.resolve("no/such/dir/lock").toString());
        a.add("state");
        Map<String, Object> e = Mkctl.run(a, new byte[0]).error(1);
        assertThat(e).containsEntry("errno", "ENOENT").containsEntry("call", "open");
    }
}
