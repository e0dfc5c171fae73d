package dev.tfjvm.plugin;

import dev.tfjvm.log.Log;

/**
 * Ignores SIGINT. A Ctrl-C in the terminal reaches the whole foreground process group, so
 * also the provider; Terraform then asks providers to stop their work (StopProvider) and
 * waits for in-flight calls, which a JVM killed by the default SIGINT handler would never
 * answer. go-plugin servers ignore the signal for the same reason.
 *
 * <p>Uses {@code sun.misc.Signal} (module jdk.unsupported) reflectively so the build stays
 * free of internal-API warnings; if it is unavailable the default behaviour remains.
 */
final class Interrupts {
    private static final Log LOG = Log.get("plugin");

    private Interrupts() {}

    static boolean ignoreSigint() {
        try {
            Class<?> signal = Class.forName("sun.misc.Signal");
            Class<?> handler = Class.forName("sun.misc.SignalHandler");
            Object ignore = handler.getField("SIG_IGN").get(null);
            Object sigint = signal.getConstructor(String.class).newInstance("INT");
            signal.getMethod("handle", signal, handler).invoke(null, sigint, ignore);
            return true;
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            LOG.warn("cannot ignore SIGINT; Ctrl-C in the terminal may end the provider mid-operation", "error", e);
            return false;
        }
    }
}
