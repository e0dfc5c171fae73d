package dev.multikernel.host.ssh;

import java.util.Optional;

/** Recognises sudo's own refusals in the result of a {@code sudo -n} command. */
final class SudoFailures {

    private SudoFailures() {}

    static Optional<PrivilegeException> detect(Target target, ExecRequest request, ExecResult result) {
        if (result.succeeded()) {
            return Optional.empty();
        }
        String err = result.stderrText();
        String program = request.command().strip().split("\\s+")[0];
        String user = target.user();
        String host = target.describe();
        String dropIn = "  " + user + " ALL=(root) NOPASSWD: " + program;
        if (result.exitStatus() == 127
                && (err.contains("sudo: not found") || err.contains("sudo: command not found"))) {
            return Optional.of(new PrivilegeException(
                    host,
                    "sudo is not installed on " + target.hostName() + ", so " + user + " cannot run " + program
                            + " as root. Install sudo there, or log in as root."));
        }
        if (result.exitStatus() != 1) {
            return Optional.empty();
        }
        if (err.contains("sudo: a password is required") || err.contains("sudo: a terminal is required")) {
            return Optional.of(new PrivilegeException(
                    host,
                    "sudo on " + target.hostName() + " asks " + user
                            + " for a password; commands run non-interactively (sudo -n), so passwordless sudo is "
                            + "needed. Add a sudoers drop-in (visudo -f /etc/sudoers.d/multikernel):\n" + dropIn
                            + "\nor log in as root."));
        }
        if (err.contains("is not in the sudoers file")
                || err.contains("is not allowed to execute")
                || err.contains("may not run sudo")
                || err.contains("not allowed to run sudo")) {
            return Optional.of(new PrivilegeException(
                    host,
                    user + " may not run " + program + " with sudo on "
                            + target.hostName() + ". Add a sudoers drop-in (visudo -f /etc/sudoers.d/multikernel):\n"
                            + dropIn + "\nor log in as root. sudo said: " + result.stderrSummary()));
        }
        return Optional.empty();
    }
}
