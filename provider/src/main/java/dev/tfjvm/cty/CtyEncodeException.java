package dev.tfjvm.cty;

/**
 * A value could not be encoded for the requested type (it does not conform, or the encoding
 * cannot represent it, e.g. unknowns in JSON). The message says what and, via {@link #path()},
 * where.
 */
public class CtyEncodeException extends Exception {
    private static final long serialVersionUID = 1L;

    private final transient CtyPath path;

    public CtyEncodeException(String message) {
        this(CtyPath.ROOT, message, null);
    }

    public CtyEncodeException(CtyPath path, String message) {
        this(path, message, null);
    }

    public CtyEncodeException(CtyPath path, String message, Throwable cause) {
        super(path.isRoot() ? message : path + ": " + message, cause);
        this.path = path;
    }

    /** Where in the value the problem is (the root path if it is not specific to a nested value). */
    public CtyPath path() {
        return path == null ? CtyPath.ROOT : path;
    }
}
