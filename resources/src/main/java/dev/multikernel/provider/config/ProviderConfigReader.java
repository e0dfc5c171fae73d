package dev.multikernel.provider.config;

import static dev.multikernel.provider.config.ProviderConfigSchema.*;

import dev.multikernel.host.ssh.AuthSource;
import dev.multikernel.host.ssh.HostKeyPolicy;
import dev.tfjvm.cty.CtyNumber;
import dev.tfjvm.cty.CtyPath;
import dev.tfjvm.cty.CtyValue;
import dev.tfjvm.diag.Diagnostics;
import dev.tfjvm.spi.Launch;
import dev.tfjvm.spi.TfObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Reads the provider block into {@link ProviderSettings}. Every problem becomes an error
 * diagnostic on the attribute at fault, saying what is wrong and how to write it; secret values
 * are never quoted.
 *
 * <p>Two modes: {@link #validate} checks what is known without touching the file system (for
 * {@code terraform validate}); {@link #read} also checks that named files exist and needs every
 * value known.
 */
public final class ProviderConfigReader {
    private static final String SUMMARY = "Invalid provider configuration";

    private final TfObject config;
    private final Diagnostics diagnostics;
    private final boolean checkFiles;
    /** The launch's environment (SSH_AUTH_SOCK) and directory (relative paths), not the JVM's. */
    private final Launch launch;

    private boolean unknown;

    private ProviderConfigReader(TfObject config, Diagnostics diagnostics, boolean checkFiles, Launch launch) {
        this.config = config;
        this.diagnostics = diagnostics;
        this.checkFiles = checkFiles;
        this.launch = launch;
    }

    /** Reports problems with the known values; unknown values are skipped. */
    public static void validate(TfObject config, Diagnostics diagnostics) {
        new ProviderConfigReader(config, diagnostics, false, Launch.ofProcess()).settings();
    }

    /**
     * The settings, or empty when there are errors (reported to {@code diagnostics}) or when some
     * value is not known yet ({@link Reading#deferred()}).
     */
    public static Reading read(TfObject config, Diagnostics diagnostics) {
        return read(config, diagnostics, Launch.ofProcess());
    }

    /** Like {@link #read(TfObject, Diagnostics)} for the given launch of the provider. */
    public static Reading read(TfObject config, Diagnostics diagnostics, Launch launch) {
        ProviderConfigReader r = new ProviderConfigReader(config, diagnostics, true, launch);
        int before = diagnostics.all().size();
        ProviderSettings s = r.settings();
        boolean failed = diagnostics.all().stream().skip(before).anyMatch(d -> d.isError());
        if (failed || r.unknown) {
            return new Reading(Optional.empty(), r.unknown && !failed);
        }
        return new Reading(Optional.of(s), false);
    }

    /**
     * What {@link #read} found.
     *
     * @param settings the settings when the configuration is valid and known
     * @param deferred some value is not known until apply: hosts cannot be reached yet
     */
    public record Reading(Optional<ProviderSettings> settings, boolean deferred) {}

    private ProviderSettings settings() {
        ProviderSettings d = ProviderSettings.defaults();
        Optional<String> user = string(USER).flatMap(u -> userName(CtyPath.ROOT.attr(USER), u));
        OptionalInt port = port(config, CtyPath.ROOT);
        List<AuthSource> auth = auth();

        List<Path> knownHosts = d.knownHostsFiles();
        if (known(KNOWN_HOSTS_FILES) && !config.isNull(KNOWN_HOSTS_FILES)) {
            List<String> files = config.strings(KNOWN_HOSTS_FILES);
            List<Path> paths = new ArrayList<>();
            if (files.isEmpty()) {
                error(
                        KNOWN_HOSTS_FILES,
                        "known_hosts_files is empty: name at least one file, or leave it out for "
                                + "~/.ssh/known_hosts");
            }
            for (int i = 0; i < files.size(); i++) {
                String f = files.get(i);
                if (f == null || f.isBlank() || f.indexOf('\0') >= 0) {
                    diagnostics.error(
                            CtyPath.ROOT.attr(KNOWN_HOSTS_FILES).index(i),
                            SUMMARY,
                            "known_hosts_files[" + i
                                    + "] is empty or not a path: write the path of a known_hosts file");
                } else {
                    paths.add(path(f));
                }
            }
            if (!paths.isEmpty()) {
                knownHosts = paths;
            }
        }

        Map<String, String> pins = new LinkedHashMap<>();
        if (known(HOST_KEY_PINS)) {
            config.stringMap(HOST_KEY_PINS).forEach((host, pin) -> {
                CtyPath at = CtyPath.ROOT.attr(HOST_KEY_PINS).key(host);
                if (pin == null) {
                    diagnostics.error(
                            at,
                            SUMMARY,
                            "host_key_pins[\"" + host + "\"] is null: give the host key's "
                                    + "SHA256 fingerprint as `ssh-keygen -lf` prints it");
                    return;
                }
                try {
                    HostKeyPolicy.pinned(List.of(pin));
                    pins.put(host, pin);
                } catch (IllegalArgumentException e) {
                    diagnostics.error(at, SUMMARY, "host_key_pins[\"" + host + "\"]: " + e.getMessage());
                }
            });
        }

        boolean acceptNew =
                string(HOST_KEY_POLICY).map(POLICY_ACCEPT_NEW::equals).orElse(false);
        if (string(HOST_KEY_POLICY)
                .filter(p -> !p.equals(POLICY_STRICT) && !p.equals(POLICY_ACCEPT_NEW))
                .isPresent()) {
            error(
                    HOST_KEY_POLICY,
                    "host_key_policy must be \"strict\" or \"accept-new\", got \""
                            + config.requireString(HOST_KEY_POLICY) + "\"");
        }

        Optional<ProviderSettings.Bastion> bastion = bastion();

        boolean useSshConfig = bool(USE_SSH_CONFIG).orElse(false);
        boolean sudo = bool(SUDO).orElse(true);
        Duration connect = duration(CONNECT_TIMEOUT).orElse(d.connectTimeout());
        Duration command = duration(COMMAND_TIMEOUT).orElse(d.commandTimeout());

        String helper = d.helperDirectory();
        Optional<String> helperDir = string(HELPER_DIRECTORY);
        if (helperDir.isPresent()) {
            String h = helperDir.get();
            if (h.isBlank() || h.chars().anyMatch(c -> c < ' ' || c == 0x7f)) {
                error(
                        HELPER_DIRECTORY,
                        "helper_directory must be a directory path without control characters,"
                                + " such as \".cache/multikernel\" or \"/var/lib/multikernel\"");
            } else {
                helper = h.length() > 1 ? h.replaceAll("/+$", "") : h;
                if (helper.isEmpty()) {
                    helper = "/";
                }
            }
        }

        int concurrency = d.perHostConcurrency();
        if (known(PER_HOST_CONCURRENCY) && !config.isNull(PER_HOST_CONCURRENCY)) {
            OptionalInt n = whole(config, PER_HOST_CONCURRENCY, 1, 10);
            if (n.isEmpty()) {
                error(PER_HOST_CONCURRENCY, "per_host_concurrency must be a whole number between 1 and 10");
            } else {
                concurrency = n.getAsInt();
            }
        }

        return new ProviderSettings(
                user,
                port,
                auth,
                knownHosts,
                pins,
                acceptNew,
                bastion,
                useSshConfig,
                sudo,
                connect,
                command,
                helper,
                concurrency);
    }

    private List<AuthSource> auth() {
        List<AuthSource> sources = new ArrayList<>();
        Optional<String> passphrase = string(PRIVATE_KEY_PASSPHRASE);
        boolean hasKey = addKey(config, CtyPath.ROOT, passphrase, sources);
        if (passphrase.isPresent() && !hasKey && known(PRIVATE_KEY) && known(PRIVATE_KEY_FILE)) {
            error(
                    PRIVATE_KEY_PASSPHRASE,
                    "private_key_passphrase is set but there is no private_key or "
                            + "private_key_file for it to unlock");
        }
        Optional<Boolean> agent = bool(USE_AGENT);
        String sock = launch.env("SSH_AUTH_SOCK").orElse(null);
        boolean agentAvailable = sock != null && !sock.isBlank();
        if (sources.isEmpty()) {
            if (agent.orElse(true)) {
                return List.of(); // OpenSSH's defaults: the agent, then the default key files
            }
            return AuthSource.defaults().stream()
                    .filter(s -> !(s instanceof AuthSource.Agent))
                    .toList();
        }
        if (agent.orElse(false) || (agent.isEmpty() && agentAvailable)) {
            sources.add(AuthSource.Agent.fromEnvironment());
        }
        return sources;
    }

    /** Adds {@code private_key} or {@code private_key_file} of {@code block}; true when one is set. */
    private boolean addKey(TfObject block, CtyPath at, Optional<String> passphrase, List<AuthSource> sources) {
        if (!block.get(PRIVATE_KEY).isWhollyKnown()
                || !block.get(PRIVATE_KEY_FILE).isWhollyKnown()) {
            unknown = true;
            return false;
        }
        Optional<String> text = block.string(PRIVATE_KEY);
        Optional<String> file = block.string(PRIVATE_KEY_FILE);
        String where = at.steps().isEmpty() ? "" : PROXY_JUMP + ".";
        if (text.isPresent() && file.isPresent()) {
            diagnostics.error(
                    at.attr(PRIVATE_KEY_FILE),
                    SUMMARY,
                    where + "private_key and " + where + "private_key_file are both set: give the key one way only");
            return true;
        }
        if (text.isPresent()) {
            if (!text.get().contains("PRIVATE KEY-----")) {
                // Never quote the value: it is a secret, or a secret's neighbour.
                diagnostics.error(
                        at.attr(PRIVATE_KEY),
                        SUMMARY,
                        where + "private_key does not look like a private"
                                + " key: give the whole text of a key file, from \"-----BEGIN ... PRIVATE KEY-----\" to its"
                                + " END line (for a path, use private_key_file)");
            } else {
                AuthSource.PrivateKeyText key =
                        new AuthSource.PrivateKeyText(where + "private_key", text.get(), passphrase);
                // A passphrase not known yet (from a secret read at apply) is checked with the key at connect time.
                Optional<String> problem =
                        config.get(PRIVATE_KEY_PASSPHRASE).isWhollyKnown() ? key.problem() : Optional.empty();
                if (problem.isPresent()) {
                    // The message names the attribute and says what is wrong; it quotes no key material.
                    diagnostics.error(at.attr(PRIVATE_KEY), SUMMARY, problem.get());
                } else {
                    sources.add(key);
                }
            }
            return true;
        }
        if (file.isPresent()) {
            if (file.get().isBlank() || file.get().indexOf('\0') >= 0) {
                diagnostics.error(
                        at.attr(PRIVATE_KEY_FILE), SUMMARY, where + "private_key_file is empty or not a path");
                return true;
            }
            Path p = path(file.get());
            if (checkFiles && !Files.isReadable(p)) {
                diagnostics.error(
                        at.attr(PRIVATE_KEY_FILE),
                        SUMMARY,
                        where + "private_key_file \"" + file.get()
                                + "\": "
                                + (Files.exists(p) ? "cannot be read by the user running Terraform" : "no such file")
                                + " (" + p + ")");
            } else {
                sources.add(new AuthSource.PrivateKeyFile(p, passphrase, false));
            }
            return true;
        }
        return false;
    }

    private Optional<ProviderSettings.Bastion> bastion() {
        if (!known(PROXY_JUMP)) {
            return Optional.empty();
        }
        Optional<TfObject> block = config.object(PROXY_JUMP);
        if (block.isEmpty()) {
            return Optional.empty();
        }
        TfObject j = block.get();
        CtyPath at = CtyPath.ROOT.attr(PROXY_JUMP);
        if (!j.get(HOST).isWhollyKnown()
                || !j.get(USER).isWhollyKnown()
                || !j.get(PORT).isWhollyKnown()) {
            unknown = true;
            return Optional.empty();
        }
        HostAddress address;
        try {
            address = HostAddress.parse(j.requireString(HOST));
        } catch (IllegalArgumentException e) {
            diagnostics.error(at.attr(HOST), SUMMARY, "proxy_jump.host: " + e.getMessage());
            return Optional.empty();
        }
        Optional<String> user =
                j.string(USER).flatMap(u -> userName(at.attr(USER), u)).or(address::user);
        OptionalInt port = port(j, at);
        if (port.isEmpty()) {
            port = address.port();
        }
        List<AuthSource> auth = new ArrayList<>();
        addKey(j, at, Optional.empty(), auth);
        return Optional.of(new ProviderSettings.Bastion(address.address(), user, port, auth));
    }

    private OptionalInt port(TfObject block, CtyPath at) {
        if (!block.get(PORT).isWhollyKnown()) {
            unknown = true;
            return OptionalInt.empty();
        }
        if (block.isNull(PORT)) {
            return OptionalInt.empty();
        }
        OptionalInt port = whole(block, PORT, 1, 65535);
        if (port.isEmpty()) {
            diagnostics.error(
                    at.attr(PORT),
                    SUMMARY,
                    (at.steps().isEmpty() ? "" : PROXY_JUMP + ".") + "port must be a whole number between 1 and 65535");
        }
        return port;
    }

    /** A whole number in {@code min..max}; empty when it is a fraction, infinite or out of range. */
    private static OptionalInt whole(TfObject o, String name, int min, int max) {
        CtyNumber n = ((CtyValue.Num) o.get(name)).value();
        if (!n.fitsLong() || n.longValueExact() < min || n.longValueExact() > max) {
            return OptionalInt.empty();
        }
        return OptionalInt.of((int) n.longValueExact());
    }

    private Optional<String> userName(CtyPath at, String user) {
        if (user.isBlank() || user.chars().anyMatch(c -> c <= ' ' || c == '@' || c == 0x7f)) {
            diagnostics.error(at, SUMMARY, "\"" + user + "\" is not a user name: no spaces, control characters or '@'");
            return Optional.empty();
        }
        return Optional.of(user);
    }

    private Optional<Duration> duration(String name) {
        return string(name).flatMap(text -> {
            try {
                return Optional.of(Durations.parse(text));
            } catch (IllegalArgumentException e) {
                error(name, name + ": " + e.getMessage());
                return Optional.empty();
            }
        });
    }

    private Optional<String> string(String name) {
        return known(name) ? config.string(name) : Optional.empty();
    }

    private Optional<Boolean> bool(String name) {
        return known(name) ? config.bool(name) : Optional.empty();
    }

    /** Wholly known: a list can be known while an element is not (a value from a module not yet read). */
    private boolean known(String name) {
        if (config.get(name).isWhollyKnown()) {
            return true;
        }
        unknown = true;
        return false;
    }

    private void error(String attribute, String detail) {
        diagnostics.error(CtyPath.ROOT.attr(attribute), SUMMARY, detail);
    }

    /** A configured path: {@code ~} is the home directory, relative paths are the launch directory's. */
    private Path path(String path) {
        return launch.workingDirectory().resolve(expandHome(path));
    }

    static Path expandHome(String path) {
        if (path.equals("~") || path.startsWith("~/")) {
            return Path.of(System.getProperty("user.home") + path.substring(1));
        }
        return Path.of(path);
    }
}
