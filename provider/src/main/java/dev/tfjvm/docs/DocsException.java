package dev.tfjvm.docs;

/**
 * The documentation cannot be generated or checked: an input file is unreadable or malformed, an
 * example or template names a type the provider does not have, or the output cannot be written.
 * The message says which file and what to change.
 */
public final class DocsException extends Exception {
    private static final long serialVersionUID = 1L;

    public DocsException(String message) {
        super(message);
    }

    public DocsException(String message, Throwable cause) {
        super(message, cause);
    }
}
