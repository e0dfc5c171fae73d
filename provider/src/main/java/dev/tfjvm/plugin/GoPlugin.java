package dev.tfjvm.plugin;

/** Constants of the go-plugin handshake as Terraform and OpenTofu use it. */
public final class GoPlugin {
    /** Environment variable carrying Terraform's magic cookie. */
    public static final String MAGIC_COOKIE_KEY = "TF_PLUGIN_MAGIC_COOKIE";
    /** The cookie value every Terraform and OpenTofu release sets. */
    public static final String MAGIC_COOKIE_VALUE = "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";
    /** go-plugin's own protocol version, the first handshake field. */
    public static final int CORE_PROTOCOL_VERSION = 1;
    /** The Terraform plugin protocol major version this bridge speaks (tfplugin6). */
    public static final int APP_PROTOCOL_VERSION = 6;

    public static final String ENV_PROTOCOL_VERSIONS = "PLUGIN_PROTOCOL_VERSIONS";
    public static final String ENV_MIN_PORT = "PLUGIN_MIN_PORT";
    public static final String ENV_MAX_PORT = "PLUGIN_MAX_PORT";
    public static final String ENV_CLIENT_CERT = "PLUGIN_CLIENT_CERT";
    public static final String ENV_DISABLE_TLS = "TF_DISABLE_PLUGIN_TLS";

    /** gRPC health service name go-plugin documents for plugins. */
    public static final String HEALTH_SERVICE = "plugin";

    private GoPlugin() {}
}
