package dev.tfjvm.cty;

/**
 * Bytes could not be decoded as a cty value (or type) of the expected type. The message says
 * what was wrong and, via {@link #path()}, where in the value.
 */
public class CtyDecodeException extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient CtyPath path;

    public CtyDecodeException(String message) {
        this(CtyPath.ROOT, message, null);
    }

    public CtyDecodeException(CtyPath path, String message) {
        this(path, message, null);
    }

    public CtyDecodeException(CtyPath path, String message, Throwable cause) {
        super(path.isRoot() ? message : path + ": " + message, cause);
        this.path = path;
    }

    /** Where in the value the problem is (the root path if it is not specific to a nested value). */
    public CtyPath path() {
        return path == null ? CtyPath.ROOT : path;
    }
}
