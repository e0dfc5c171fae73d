package dev.tfjvm.spi;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The launch of the provider that Terraform made: its environment and working directory, and
 * what it may share with other launches. A provider reads these instead of {@code System.getenv}
 * and {@code user.dir}: under the provider daemon one JVM serves many launches, each with its
 * own environment and directory, while {@code System.getenv} is the daemon's.
 *
 * @param environment      the launching process's environment
 * @param workingDirectory the directory Terraform ran the provider in (absolute)
 * @param sharing          objects shared across launches, opt-in by key (see {@link Sharing})
 */
public record Launch(Map<String, String> environment, Path workingDirectory, Sharing sharing) {
    public Launch {
        environment = Map.copyOf(environment);
        Objects.requireNonNull(workingDirectory, "workingDirectory");
        if (!workingDirectory.isAbsolute()) {
            throw new IllegalArgumentException("the working directory must be absolute: " + workingDirectory);
        }
        Objects.requireNonNull(sharing, "sharing");
    }

    /** This process's own environment and directory: the provider runs without the daemon. */
    public static Launch ofProcess() {
        return new Launch(
                System.getenv(), Path.of(System.getProperty("user.dir")).toAbsolutePath(), Sharing.perProcess());
    }

    /** An environment variable; empty when unset (an empty value is returned as is). */
    public Optional<String> env(String name) {
        return Optional.ofNullable(environment.get(name));
    }

    /** A path from configuration or the environment, relative ones against {@link #workingDirectory()}. */
    public Path resolve(String path) {
        return workingDirectory.resolve(path).normalize();
    }
}
