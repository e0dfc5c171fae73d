package dev.tfjvm.plugin;

import java.util.Map;
import java.util.Objects;

/**
 * How to start the plugin server.
 *
 * @param security   plaintext or AutoMTLS
 * @param minPort    lowest TCP port to try on 127.0.0.1; 0 with {@code maxPort} 0 means any free port
 * @param maxPort    highest TCP port to try
 * @param reflection whether to register gRPC server reflection (handy with grpcurl in debug mode)
 */
public record PluginOptions(TransportSecurity security, int minPort, int maxPort, boolean reflection) {

    public PluginOptions {
        Objects.requireNonNull(security, "security");
        if (minPort < 0 || maxPort < 0 || minPort > 65535 || maxPort > 65535 || minPort > maxPort) {
            throw new IllegalArgumentException("invalid port range " + minPort + ".." + maxPort
                    + ": ports must be within 0..65535 and min <= max");
        }
    }

    /**
     * Options from the environment Terraform sets for a managed plugin: AutoMTLS trusting
     * {@code PLUGIN_CLIENT_CERT}, or plaintext when {@code TF_DISABLE_PLUGIN_TLS} is set or no
     * client certificate was given; the port range from {@code PLUGIN_MIN_PORT}/{@code PLUGIN_MAX_PORT}.
     *
     * @throws PluginStartException when a port variable is not a valid port number or the range is empty
     */
    public static PluginOptions fromEnvironment(Map<String, String> env) throws PluginStartException {
        String cert = env.getOrDefault(GoPlugin.ENV_CLIENT_CERT, "");
        boolean tlsDisabled = !env.getOrDefault(GoPlugin.ENV_DISABLE_TLS, "").isEmpty();
        TransportSecurity security = tlsDisabled || cert.isBlank()
                ? new TransportSecurity.Plaintext()
                : new TransportSecurity.AutoMtls(cert);
        int min = port(env, GoPlugin.ENV_MIN_PORT);
        int max = port(env, GoPlugin.ENV_MAX_PORT);
        if (min > max) {
            throw new PluginStartException(GoPlugin.ENV_MIN_PORT + "=" + min + " is greater than "
                    + GoPlugin.ENV_MAX_PORT + "=" + max + "; set a non-empty range or both to 0 for any free port");
        }
        return new PluginOptions(security, min, max, false);
    }

    /** Plaintext on any free port with reflection: for TF_REATTACH_PROVIDERS debugging and tests. */
    public static PluginOptions debug() {
        return new PluginOptions(new TransportSecurity.Plaintext(), 0, 0, true);
    }

    public PluginOptions withSecurity(TransportSecurity newSecurity) {
        return new PluginOptions(newSecurity, minPort, maxPort, reflection);
    }

    private static int port(Map<String, String> env, String name) throws PluginStartException {
        String text = env.getOrDefault(name, "").trim();
        if (text.isEmpty()) {
            return 0;
        }
        try {
            int port = Integer.parseInt(text);
            if (port >= 0 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new PluginStartException(name + "=" + text + " is not a TCP port number (0..65535)");
    }
}
