package dev.multikernel.sim.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --state-dir}, shared by every command. */
final class StateDirOption {

    @Option(
            names = "--state-dir",
            paramLabel = "DIR",
            defaultValue = "${env:MULTIKERNEL_SIM_STATE_DIR:-.multikernel-sim}",
            description = "Simulator state directory (default: $MULTIKERNEL_SIM_STATE_DIR, else "
                    + "./.multikernel-sim; currently ${DEFAULT-VALUE}).")
    Path stateDir;

    StateDir get() {
        return new StateDir(stateDir);
    }
}
