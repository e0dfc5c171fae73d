package dev.multikernel.host.ssh;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;

/**
 * What a command that ran to its end left behind.
 *
 * @param exitStatus the command's exit status (a command killed by a signal is {@code 128 + signal})
 * @param stdout     everything it wrote to standard output
 * @param stderr     everything it wrote to standard error
 * @param elapsed    wall time of the call
 */
public record ExecResult(int exitStatus, byte[] stdout, byte[] stderr, Duration elapsed) {

    public ExecResult {
        stdout = stdout.clone();
        stderr = stderr.clone();
        Objects.requireNonNull(elapsed, "elapsed");
    }

    public boolean succeeded() {
        return exitStatus == 0;
    }

    @Override
    public byte[] stdout() {
        return stdout.clone();
    }

    @Override
    public byte[] stderr() {
        return stderr.clone();
    }

    public String stdoutText() {
        return new String(stdout, StandardCharsets.UTF_8);
    }

    public String stderrText() {
        return new String(stderr, StandardCharsets.UTF_8);
    }

    /** The first lines of stderr, for error messages. */
    public String stderrSummary() {
        String text = stderrText().strip();
        return text.length() <= 2000 ? text : text.substring(0, 2000) + "...";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ExecResult r
                && exitStatus == r.exitStatus
                && Arrays.equals(stdout, r.stdout)
                && Arrays.equals(stderr, r.stderr)
                && elapsed.equals(r.elapsed);
    }

    @Override
    public int hashCode() {
        return Objects.hash(exitStatus, Arrays.hashCode(stdout), Arrays.hashCode(stderr), elapsed);
    }

    @Override
    public String toString() {
        return "ExecResult[exit=" + exitStatus + ", stdout=" + stdout.length + " bytes, stderr=" + stderrSummary()
                + ", elapsed=" + elapsed + "]";
    }
}
