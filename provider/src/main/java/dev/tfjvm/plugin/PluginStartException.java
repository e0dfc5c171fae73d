package dev.tfjvm.plugin;

/** The plugin server could not start; the message says what is wrong and what to do. */
public final class PluginStartException extends Exception {
    private static final long serialVersionUID = 1L;

    public PluginStartException(String message) {
        super(message);
    }

    public PluginStartException(String message, Throwable cause) {
        super(message, cause);
    }
}
