package dev.multikernel.acceptance.harness;

import dev.multikernel.sim.kernel.Errno;
import dev.multikernel.sim.kernel.FaultInjector;
import dev.multikernel.sim.kernel.Operation;
import dev.multikernel.sim.ssh.CommandDrop;
import dev.multikernel.sim.ssh.SimulatedHost;
import dev.multikernel.sim.ssh.SshFaults;

/**
 * Faults for one simulated host, named for what a test means: the kernel refuses a kexec load, an
 * exec, an overlay; the SSH connection drops in the middle of a command. Each fault is one-shot
 * unless a count is given; {@link #clear()} disarms everything.
 */
public final class Faults {
    private final SimulatedHost host;

    Faults(SimulatedHost host) {
        this.host = host;
    }

    public FaultInjector kernel() {
        return host.kernel().faults();
    }

    public SshFaults ssh() {
        return host.sshFaults();
    }

    /** The next kexec_file_load of an image (not an unload) fails with {@code errno}. */
    public Faults failNextLoad(Errno errno) {
        // an unload is matched against "", a load against the kernel image path
        kernel().failNext(Operation.KEXEC_FILE_LOAD, "?*", errno, 1);
        return this;
    }

    /**
     * The next multikernel exec (reboot(2) with LINUX_REBOOT_CMD_MULTIKERNEL, cmd 0x4d4b4c49) fails
     * with {@code errno}.
     */
    public Faults failNextExec(Errno errno) {
        kernel().failNext(Operation.REBOOT, "4d4b4c49", errno, 1);
        return this;
    }

    /** The next overlay transaction the kernel applies fails with {@code errno} (rolled back). */
    public Faults failNextOverlay(Errno errno) {
        kernel().failNext(Operation.OVERLAY_APPLY, "*", errno, 1);
        return this;
    }

    /** The connection carrying the next command containing {@code commandContains} is cut at {@code when}. */
    public Faults dropConnectionAtCommand(CommandDrop when, String commandContains) {
        ssh().dropNextConnectionAtCommand(when, commandContains);
        return this;
    }

    public Faults clear() {
        kernel().clear();
        ssh().clear();
        return this;
    }
}
