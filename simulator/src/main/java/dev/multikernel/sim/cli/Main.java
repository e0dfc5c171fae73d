package dev.multikernel.sim.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code multikernel-sim}: starts simulated multikernel hosts reachable over SSH on 127.0.0.1, and drives
 * a running simulator (status, stop, reboot, fault injection) through its admin socket.
 */
@Command(
        name = "multikernel-sim",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Simulated multikernel hosts on 127.0.0.1: real SSH, real processes, a simulated kernel.",
        subcommands = {
            StartCommand.class,
            StopCommand.class,
            StatusCommand.class,
            RebootCommand.class,
            FaultCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Main implements Runnable {

    /** Exit code of {@code status} when no simulator runs (as LSB init scripts do). */
    public static final int EXIT_NOT_RUNNING = 3;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(execute(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /** Runs one command line and returns its exit code (does not exit the JVM). */
    public static int execute(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(out);
        cl.setErr(err);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine
                    .getErr()
                    .println("multikernel-sim: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            return 1;
        });
        int code = cl.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"multikernel-sim " + (v == null ? "(development build)" : v)};
        }
    }
}
