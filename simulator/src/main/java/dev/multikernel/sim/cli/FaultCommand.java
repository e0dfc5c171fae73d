package dev.multikernel.sim.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code fault ...}: arms kernel and SSH faults on hosts of the running simulator. */
@Command(
        name = "fault",
        mixinStandardHelpOptions = true,
        description = "Inject faults into hosts of the running simulator.",
        subcommands = {
            FaultCommand.FailNext.class,
            FaultCommand.HaltTimeout.class,
            FaultCommand.HaltNoQuiesce.class,
            FaultCommand.Slow.class,
            FaultCommand.DropSsh.class,
            FaultCommand.RefuseSsh.class,
            FaultCommand.Clear.class
        })
final class FaultCommand implements Runnable {

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Options every fault takes: the state directory and the host(s). */
    static final class Target {
        @Mixin
        StateDirOption stateDir;

        @Option(names = "--host", required = true, paramLabel = "NAME", description = "Host name, or all.")
        String host;
    }

    /** Base of the fault subcommands: build a request, send it, print what was armed. */
    abstract static class FaultSubcommand implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Mixin
        Target target;

        abstract ObjectNode request();

        abstract String done();

        @Override
        public Integer call() {
            ObjectNode request = request().put("host", target.host);
            return AdminCall.run(
                    target.stateDir.get(),
                    request,
                    spec.commandLine().getOut(),
                    spec.commandLine().getErr(),
                    reply -> AdminCall.hostNames(reply) + ": " + done());
        }
    }

    @Command(
            name = "fail-next",
            mixinStandardHelpOptions = true,
            description = "The next COUNT kernel operations OP on paths matching GLOB fail with ERRNO "
                    + "(no effect on the kernel state).")
    static final class FailNext extends FaultSubcommand {
        @Option(
                names = "--op",
                required = true,
                paramLabel = "OP",
                description = "read, write, list, mkdir, rmdir, mount, kexec-file-load, reboot or overlay-apply.")
        String op;

        @Option(
                names = "--path",
                required = true,
                paramLabel = "GLOB",
                description = "Path glob, e.g. '/sys/fs/multikernel/overlays/*' ('*' also matches '/').")
        String path;

        @Option(names = "--errno", required = true, paramLabel = "ERRNO", description = "e.g. EBUSY, EINVAL, EIO.")
        String errno;

        @Option(names = "--count", defaultValue = "1", paramLabel = "N", description = "Default ${DEFAULT-VALUE}.")
        int count;

        @Override
        ObjectNode request() {
            AdminCommands.operation(op); // fail here, with the list of operations, before reaching the simulator
            AdminCommands.errno(errno);
            return AdminClient.request("fail-next")
                    .put("op", op)
                    .put("path", path)
                    .put("errno", errno)
                    .put("count", count);
        }

        @Override
        String done() {
            return "next " + count + " " + op + " on " + path + " will fail with " + errno;
        }
    }

    @Command(
            name = "halt-timeout",
            mixinStandardHelpOptions = true,
            description = "A graceful halt of an instance gets no answer and fails with ETIMEDOUT.")
    static final class HaltTimeout extends FaultSubcommand {
        @Option(names = "--off", description = "Turn the fault off again.")
        boolean off;

        @Override
        ObjectNode request() {
            return AdminClient.request("halt-timeout").put("on", !off);
        }

        @Override
        String done() {
            return "halt timeout " + (off ? "off" : "on");
        }
    }

    @Command(
            name = "halt-no-quiesce",
            mixinStandardHelpOptions = true,
            description = "A halt cannot quiesce device interrupts: the instance ends in state failed.")
    static final class HaltNoQuiesce extends FaultSubcommand {
        @Option(names = "--off", description = "Turn the fault off again.")
        boolean off;

        @Override
        ObjectNode request() {
            return AdminClient.request("halt-no-quiesce").put("on", !off);
        }

        @Override
        String done() {
            return "halt cannot quiesce " + (off ? "off" : "on");
        }
    }

    @Command(
            name = "slow",
            mixinStandardHelpOptions = true,
            description = "Every kernel call waits DURATION before it answers (0 turns this off).")
    static final class Slow extends FaultSubcommand {
        @Option(
                names = "--delay",
                required = true,
                paramLabel = "DURATION",
                converter = DurationConverter.class,
                description = "e.g. 500ms, 2s; at most 10m.")
        Duration delay;

        @Override
        ObjectNode request() {
            return AdminClient.request("slow").put("millis", delay.toMillis());
        }

        @Override
        String done() {
            return "kernel replies delayed by " + delay.toMillis() + " ms";
        }
    }

    @Command(
            name = "drop-ssh",
            mixinStandardHelpOptions = true,
            description = {
                "Cut SSH connections. Without options: every open connection, now (with the processes it "
                        + "started).",
                "--after-bytes N: the next connection, once N bytes crossed it (handshake included).",
                "--at-command before|after [--match TEXT]: the connection of the next command containing TEXT; "
                        + "before: it never runs; after: it runs to its end but the client gets no answer."
            })
    static final class DropSsh extends FaultSubcommand {
        @ArgGroup(exclusive = true)
        Mode mode;

        static final class Mode {
            @Option(names = "--after-bytes", paramLabel = "N")
            Long afterBytes;

            @Option(names = "--at-command", paramLabel = "before|after")
            String atCommand;
        }

        @Option(
                names = "--match",
                paramLabel = "TEXT",
                defaultValue = "",
                description = "With --at-command: only a command line containing TEXT (default: any).")
        String match;

        @Override
        ObjectNode request() {
            ObjectNode r = AdminClient.request("drop-ssh");
            if (mode != null && mode.afterBytes != null) {
                r.put("afterBytes", mode.afterBytes);
            } else if (mode != null && mode.atCommand != null) {
                r.put("atCommand", mode.atCommand).put("match", match);
            }
            return r;
        }

        @Override
        String done() {
            if (mode != null && mode.afterBytes != null) {
                return "next connection cut after " + mode.afterBytes + " bytes";
            }
            if (mode != null && mode.atCommand != null) {
                return "next command" + (match.isEmpty() ? "" : " containing '" + match + "'") + " cut "
                        + mode.atCommand + " it runs";
            }
            return "SSH connections cut";
        }
    }

    @Command(
            name = "refuse-ssh",
            mixinStandardHelpOptions = true,
            description = "Close the SSH port (connection refused) for DURATION; open connections stay.")
    static final class RefuseSsh extends FaultSubcommand {
        @Option(
                names = "--for",
                required = true,
                paramLabel = "DURATION",
                converter = DurationConverter.class,
                description = "e.g. 10s, 2m; 0 reopens the port now.")
        Duration duration;

        @Override
        ObjectNode request() {
            return AdminClient.request("refuse-ssh").put("millis", duration.toMillis());
        }

        @Override
        String done() {
            return duration.isZero() ? "SSH port open" : "SSH port closed for " + duration.toMillis() + " ms";
        }
    }

    @Command(
            name = "clear",
            mixinStandardHelpOptions = true,
            description = "Disarm every kernel and SSH fault (and reopen a closed SSH port).")
    static final class Clear extends FaultSubcommand {
        @Override
        ObjectNode request() {
            return AdminClient.request("clear-faults");
        }

        @Override
        String done() {
            return "faults cleared";
        }
    }
}
