package dev.multikernel.host.devicetree;

/**
 * A device tree blob or tree breaks the FDT format or a rule of the multikernel kernel.
 *
 * <p>Checked on purpose: every caller that parses input from a host or a user must decide what to
 * do with a bad tree. Messages name the offending node path, property or blob offset.
 */
public final class DeviceTreeException extends Exception {
    private static final long serialVersionUID = 1L;

    public DeviceTreeException(String message) {
        super(message);
    }

    public DeviceTreeException(String message, Throwable cause) {
        super(message, cause);
    }
}
