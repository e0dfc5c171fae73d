package dev.tfjvm.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Installs a provider built on the bridge (a jar with a Main-Class) so Terraform can launch it:
 *
 * <pre>
 * OUT/mirror/HOST/NAMESPACE/TYPE/VERSION/PLATFORM/terraform-provider-TYPE_vVERSION   the launcher (+x)
 * OUT/mirror/HOST/NAMESPACE/TYPE/VERSION/PLATFORM/lib/provider.jar                   the jar
 * OUT/mirror/HOST/NAMESPACE/TYPE/VERSION/PLATFORM/lib/launcher.sh                    the JVM launcher script
 * OUT/cli-config/filesystem-mirror.tfrc, OUT/cli-config/dev-overrides.tfrc          sample CLI configs
 * </pre>
 *
 * The OUT/mirror directory is a filesystem_mirror in the unpacked layout ({@code terraform init}
 * works offline); the PLATFORM directory also serves as a dev_overrides directory, since its
 * only entry named {@code terraform-provider-TYPE...} is the launcher (the jar sits in
 * {@code lib/} so Terraform cannot mistake it for the executable).
 *
 * <p>On platforms the bridge has a native launcher for (linux_amd64), the launcher is that
 * static binary: it hands each launch to the user's provider daemon and runs
 * {@code lib/launcher.sh} to start the daemon, or to run the JVM directly with
 * {@code TF_JVM_DAEMON=off} (docs/startup.md). Elsewhere the launcher is the script itself.
 *
 * <p>Command line (also usable from exec-maven-plugin):
 * {@code java -cp tf-jvm-bridge.jar dev.tfjvm.launcher.InstallLayout --jar J --address A --version V --out D [--platform P]}
 */
public final class InstallLayout {
    /** The jar's path inside the platform directory; must not start with terraform-provider-. */
    public static final String JAR_PATH = "lib/provider.jar";
    /** The JVM launcher script beside the jar, run by the native launcher. */
    public static final String SCRIPT_PATH = "lib/launcher.sh";

    private static final Pattern VERSION = Pattern.compile(
            "(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)\\.(0|[1-9][0-9]*)(-[0-9A-Za-z.-]+)?(\\+[0-9A-Za-z.-]+)?");
    private static final Pattern PLATFORM = Pattern.compile("[a-z0-9]+_[a-z0-9]+");

    /**
     * What to install.
     *
     * @param jar      the provider's runnable jar (Main-Class, dependencies inside)
     * @param address  provider source address
     * @param version  provider version (semantic version, without a leading v)
     * @param out      output directory
     * @param platform Terraform target such as linux_amd64
     */
    public record Request(Path jar, ProviderAddress address, String version, Path out, String platform) {
        public Request {
            Objects.requireNonNull(jar, "jar");
            Objects.requireNonNull(address, "address");
            Objects.requireNonNull(out, "out");
            if (!VERSION.matcher(version).matches()) {
                throw new IllegalArgumentException("invalid provider version '" + version
                        + "': use a semantic version such as 0.1.0 (without a leading v)");
            }
            if (!PLATFORM.matcher(platform).matches()) {
                throw new IllegalArgumentException(
                        "invalid platform '" + platform + "': use OS_ARCH such as linux_amd64");
            }
        }
    }

    /**
     * What was written.
     *
     * @param mirrorDir       the filesystem_mirror root (OUT/mirror)
     * @param packageDir      the platform directory, also usable with dev_overrides
     * @param launcher        the executable Terraform runs
     * @param jar             the installed jar
     * @param mirrorConfig    sample CLI config using the filesystem mirror
     * @param overridesConfig sample CLI config using dev_overrides
     */
    public record Result(
            Path mirrorDir, Path packageDir, Path launcher, Path jar, Path mirrorConfig, Path overridesConfig) {}

    private InstallLayout() {}

    /** The Terraform platform of this machine, e.g. linux_amd64. */
    public static String currentPlatform() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        String goOs = os.startsWith("mac") || os.startsWith("darwin")
                ? "darwin"
                : os.startsWith("windows") ? "windows" : os.replaceAll("[^a-z0-9]", "");
        String goArch = switch (arch) {
            case "amd64", "x86_64" -> "amd64";
            case "aarch64", "arm64" -> "arm64";
            case "x86", "i386", "i686" -> "386";
            default -> arch.replaceAll("[^a-z0-9]", "");
        };
        return goOs + "_" + goArch;
    }

    public static Result install(Request request) throws IOException {
        if (!Files.isRegularFile(request.jar())) {
            throw new IOException("provider jar " + request.jar() + " does not exist; build it first");
        }
        ProviderAddress a = request.address();
        Path mirror = request.out().resolve("mirror").toAbsolutePath().normalize();
        Path packageDir = mirror.resolve(a.hostname())
                .resolve(a.namespace())
                .resolve(a.type())
                .resolve(request.version())
                .resolve(request.platform());
        Path launcher = packageDir.resolve("terraform-provider-" + a.type() + "_v" + request.version());
        Path jar = packageDir.resolve(JAR_PATH);
        Files.createDirectories(jar.getParent());
        Files.copy(request.jar(), jar, StandardCopyOption.REPLACE_EXISTING);

        Optional<byte[]> nativeLauncher = nativeLauncher(request.platform());
        if (nativeLauncher.isPresent()) {
            // The native launcher hands launches to the provider daemon and runs the script
            // (next to the jar) to start it, or instead of the daemon when it is turned off.
            writeExecutable(
                    packageDir,
                    packageDir.resolve(SCRIPT_PATH),
                    script(request, "provider.jar").getBytes(StandardCharsets.UTF_8));
            writeExecutable(packageDir, launcher, nativeLauncher.get());
        } else {
            writeExecutable(packageDir, launcher, script(request, JAR_PATH).getBytes(StandardCharsets.UTF_8));
        }

        Path configDir = request.out().resolve("cli-config").toAbsolutePath().normalize();
        Files.createDirectories(configDir);
        Path mirrorConfig = configDir.resolve("filesystem-mirror.tfrc");
        Path overridesConfig = configDir.resolve("dev-overrides.tfrc");
        Files.writeString(mirrorConfig, mirrorConfig(a, mirror), StandardCharsets.UTF_8);
        Files.writeString(overridesConfig, overridesConfig(a, packageDir), StandardCharsets.UTF_8);
        return new Result(mirror, packageDir, launcher, jar, mirrorConfig, overridesConfig);
    }

    /** CLI configuration installing the provider from the mirror (others from their registries). */
    public static String mirrorConfig(ProviderAddress address, Path mirror) {
        String pattern = address.hostname() + "/" + address.namespace() + "/" + address.type();
        return "# Terraform CLI configuration: install " + address + " from a local filesystem mirror.\n"
                + "# Use with TF_CLI_CONFIG_FILE=<this file>, or copy into ~/.terraformrc.\n"
                + "provider_installation {\n"
                + "  filesystem_mirror {\n"
                + "    path    = " + hcl(mirror.toString()) + "\n"
                + "    include = [" + hcl(pattern) + "]\n"
                + "  }\n"
                + "  direct {\n"
                + "    exclude = [" + hcl(pattern) + "]\n"
                + "  }\n"
                + "}\n";
    }

    /** CLI configuration using the package directory through dev_overrides (no init, no lock entry). */
    public static String overridesConfig(ProviderAddress address, Path packageDir) {
        return "# Terraform CLI configuration: use the development build of " + address + " directly.\n"
                + "# Use with TF_CLI_CONFIG_FILE=<this file>; skip `terraform init` for this provider.\n"
                + "provider_installation {\n"
                + "  dev_overrides {\n"
                + "    " + hcl(address.toString()) + " = " + hcl(packageDir.toString()) + "\n"
                + "  }\n"
                + "  direct {}\n"
                + "}\n";
    }

    private static String script(Request request, String jarPath) {
        ProviderAddress a = request.address();
        return render(
                launcherTemplate(),
                Map.of(
                        "PROVIDER_ADDRESS", a.toString(),
                        "PROVIDER_TYPE", a.type(),
                        "PROVIDER_VERSION", request.version(),
                        "JAR_PATH", jarPath));
    }

    /** Writes {@code content} to {@code target} atomically, executable by everyone. */
    private static void writeExecutable(Path dir, Path target, byte[] content) throws IOException {
        Files.createDirectories(target.getParent());
        Path tmp = Files.createTempFile(dir, ".launcher", ".tmp");
        Files.write(tmp, content);
        try {
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (UnsupportedOperationException e) {
            tmp.toFile().setExecutable(true, false);
        }
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The native launcher built for {@code platform}, when the bridge jar carries one. */
    static Optional<byte[]> nativeLauncher(String platform) {
        String name = switch (platform) {
            case "linux_amd64" -> "tfjvm-launcher-linux-x86_64";
            default -> "";
        };
        if (name.isEmpty()) {
            return Optional.empty();
        }
        try (InputStream in = InstallLayout.class.getResourceAsStream(name)) {
            return in == null ? Optional.empty() : Optional.of(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String launcherTemplate() {
        try (InputStream in = InstallLayout.class.getResourceAsStream("launcher.sh")) {
            if (in == null) {
                throw new IllegalStateException("launcher.sh template missing from the tf-jvm-bridge jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String render(String template, Map<String, String> values) {
        String out = template;
        for (Map.Entry<String, String> e : values.entrySet()) {
            out = out.replace("@" + e.getKey() + "@", e.getValue());
        }
        if (out.matches("(?s).*@[A-Z_]+@.*")) {
            throw new IllegalStateException("launcher template has an unfilled placeholder");
        }
        return out;
    }

    private static String hcl(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("${", "$${") + "\"";
    }

    public static void main(String[] args) {
        Map<String, String> options = new LinkedHashMap<>();
        try {
            for (int i = 0; i < args.length; i++) {
                String name = args[i];
                if (name.equals("--help") || name.equals("-h")) {
                    System.out.println(usage());
                    return;
                }
                if (!name.startsWith("--") || i + 1 >= args.length) {
                    throw new IllegalArgumentException("expected --option value pairs, got '" + name + "'");
                }
                options.put(name.substring(2), args[++i]);
            }
            for (String required : new String[] {"jar", "address", "version", "out"}) {
                if (!options.containsKey(required)) {
                    throw new IllegalArgumentException("missing --" + required);
                }
            }
            String version = options.get("version");
            Request request = new Request(
                    Path.of(options.get("jar")),
                    ProviderAddress.parse(options.get("address")),
                    version.startsWith("v") ? version.substring(1) : version,
                    Path.of(options.get("out")),
                    options.getOrDefault("platform", currentPlatform()));
            Result result = install(request);
            System.out.println(
                    "Installed " + request.address() + " " + request.version() + " for " + request.platform() + ":");
            System.out.println("  launcher: " + result.launcher());
            System.out.println("  jar:      " + result.jar());
            System.out.println();
            System.out.println("With a filesystem mirror (terraform init works offline), "
                    + "export TF_CLI_CONFIG_FILE=" + result.mirrorConfig() + " or use:");
            System.out.println();
            System.out.print(Files.readString(result.mirrorConfig()));
            System.out.println();
            System.out.println("With dev_overrides (no init needed for this provider), " + "export TF_CLI_CONFIG_FILE="
                    + result.overridesConfig() + " or use:");
            System.out.println();
            System.out.print(Files.readString(result.overridesConfig()));
        } catch (IllegalArgumentException e) {
            System.err.println("Error: " + e.getMessage());
            System.err.println(usage());
            System.exit(2);
        } catch (IOException | RuntimeException e) {
            System.err.println("Error: cannot install the provider: " + e.getMessage());
            System.exit(1);
        }
    }

    private static String usage() {
        return """
                Usage: java -cp tf-jvm-bridge.jar dev.tfjvm.launcher.InstallLayout \\
                         --jar PROVIDER.jar --address HOST/NAMESPACE/TYPE --version X.Y.Z --out DIR [--platform OS_ARCH]
                Writes DIR/mirror (a Terraform filesystem_mirror with a launcher script and the jar) and
                sample CLI configurations in DIR/cli-config.""";
    }
}
