package dev.multikernel.host.mkctl;

import java.util.List;
import java.util.Optional;

/** Turns mkctl's error object into the typed exception, with a hint of what to do. */
final class Failures {

    private Failures() {}

    static MkctlException from(String host, MkctlError e, List<MkctlResult> completed) {
        String head = e.operation() + " on " + host + " failed: " + e.message()
                + e.errnoName()
                        .map(n -> " [" + n + (e.call().map(c -> " from " + c).orElse("")) + "]")
                        .orElse("")
                + e.batchIndex().stream()
                        .mapToObj(i ->
                                " (batch operation " + i + ", " + completed.size() + " earlier operations completed)")
                        .findFirst()
                        .orElse("");
        String hint = hint(e);
        String message = hint.isEmpty() ? head : head + ". " + hint;
        Optional<MkctlError> err = Optional.of(e);
        MkctlException ex = switch (e.kind()) {
            case OS, SHORT_WRITE -> new KernelRefusedException(host, message, err);
            case NOT_APPLIED -> new NotAppliedException(host, message, err);
            case LOCK_TIMEOUT -> new HostBusyException(host, message, err);
            case HALT_TIMEOUT -> new HaltTimeoutException(host, message, err);
            case USAGE -> new MkctlUsageException(host, message, err);
            case SIM -> new SimulatorException(host, message, err);
            case INTERNAL -> new MkctlProtocolException(host, message, err);
        };
        ex.setCompleted(completed);
        return ex;
    }

    private static String hint(MkctlError e) {
        String op = e.operation();
        switch (e.kind()) {
            case LOCK_TIMEOUT:
                return "Another mkctl (a concurrent apply, or a stuck process) holds the lock"
                        + e.path().map(p -> " " + p).orElse("") + " on the host; nothing was done, try again later";
            case HALT_TIMEOUT:
                return "The instance did not acknowledge the halt; retry with a force halt if it must stop";
            case NOT_APPLIED:
                if (e.transactionId().isPresent()) {
                    return "Overlay transaction " + e.transactionId().getAsInt() + " is left in state "
                            + e.transactionStatus().orElse("unknown") + " and must be removed (overlay-remove); "
                            + "the kernel log (dmesg) on the host says why it failed";
                }
                if (e.instanceStatus().isPresent()) {
                    return "The instance is now " + e.instanceStatus().get()
                            + "; see the kernel log (dmesg) on the host";
                }
                return "The kernel took the write but nothing changed; see the kernel log (dmesg) on the host";
            case USAGE:
                return "Nothing was done. This is a bug in the provider or a mismatch with the mkctl on the host";
            case SIM:
                return "The simulated host's kernel is not reachable from mkctl";
            case INTERNAL:
                return "mkctl failed on the host itself";
            default:
                break;
        }
        if (e.is(Errno.EPERM) || e.is(Errno.EACCES)) {
            if (e.call().filter(c -> c.equals("kexec_file_load")).isPresent()) {
                return "Loading kernels needs root and a kernel that allows kexec (no lockdown; with secure boot the "
                        + "image must be signed); check that commands run as root (log in as root or enable sudo)";
            }
            if (op.equals("v2-remove") || op.equals("overlay-remove")) {
                return "The kernel does not allow removing this; only overlay transactions (and RFC v2 instances) can "
                        + "be removed";
            }
            return "mkctl must run as root on the host: log in as root or enable sudo for this host";
        }
        if (e.is(Errno.EBUSY)) {
            switch (op) {
                case "baseline":
                    return "A baseline is already applied; change the pool with an overlay on /resources instead";
                case "v2-remove":
                    return "The instance is loading or active: it cannot be removed until it is stopped and unloaded";
                case "load":
                    return "An image is already loaded for this instance, or the instance is active: unload it first";
                case "overlay-apply":
                    return "The instance the overlay removes or changes is busy (loaded or active): stop and unload it "
                            + "first";
                default:
                    return "The object is in use";
            }
        }
        if (e.is(Errno.ENOENT)) {
            if (e.call().filter(c -> c.equals("open")).isPresent() && op.equals("load")) {
                return "The kernel image or initrd does not exist on the host; check the path";
            }
            if (e.path().filter(p -> p.startsWith("/sys/fs/multikernel")).isPresent()) {
                return "The host has no such object"
                        + (op.equals("state") ? " (is the multikernel filesystem mounted?)" : "");
            }
        }
        if (e.is(Errno.EINVAL) && (op.equals("overlay-apply") || op.equals("baseline") || op.equals("v2-create"))) {
            return "The kernel rejected the device tree as invalid for this host; the kernel log (dmesg) says which "
                    + "property";
        }
        if (e.is(Errno.ENOSPC) || e.is(Errno.ENOMEM)) {
            return "The pool does not have the memory (or CPUs) this needs";
        }
        return "";
    }
}
