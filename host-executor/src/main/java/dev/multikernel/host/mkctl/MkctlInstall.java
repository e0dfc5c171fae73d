package dev.multikernel.host.mkctl;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** Where mkctl lives on a host. */
public sealed interface MkctlInstall {

    /** The default upload directory, relative to the login user's home. */
    String DEFAULT_DIRECTORY = ".cache/multikernel";

    /**
     * Upload the binary for the host's machine ({@code uname -m}) into {@code directory} on first use
     * (mode 0700 directory, 0755 file named {@code mkctl-<sha256 prefix>}), check its SHA-256 on the
     * host with {@code sha256sum}, and reuse it while it matches. A relative directory is relative to
     * the login user's home.
     *
     * @param binaries by {@code uname -m} name; the first is assumed until a host says otherwise
     */
    record Upload(String directory, Map<String, MkctlBinary> binaries) implements MkctlInstall {
        public Upload {
            Objects.requireNonNull(directory, "directory");
            Objects.requireNonNull(binaries, "binaries");
            if (directory.isBlank() || directory.contains("\0") || directory.contains("\n")) {
                throw new IllegalArgumentException("'" + directory + "' is not a directory path");
            }
            if (binaries.isEmpty()) {
                throw new IllegalArgumentException("no mkctl binary to upload");
            }
            while (directory.length() > 1 && directory.endsWith("/")) {
                directory = directory.substring(0, directory.length() - 1);
            }
            binaries = Collections.unmodifiableMap(new LinkedHashMap<>(binaries));
        }

        /** One binary for x86_64 hosts. */
        public Upload(String directory, MkctlBinary binary) {
            this(directory, Map.of(MkctlBinary.X86_64, binary));
        }

        /** The embedded binaries (x86_64 first) in {@link #DEFAULT_DIRECTORY}. */
        public static Upload defaults() {
            return embedded(DEFAULT_DIRECTORY);
        }

        /** The binaries embedded in this jar, x86_64 first. */
        public static Upload embedded(String directory) {
            return new Upload(directory, MkctlBinary.embeddedAll());
        }

        /** The machine ({@code uname -m}) the upload assumes. */
        public String machine() {
            return binaries.keySet().iterator().next();
        }

        /** The binary for {@link #machine()}. */
        public MkctlBinary binary() {
            return binaries.values().iterator().next();
        }

        /** The same upload assuming {@code machine}, when there is a binary for it. */
        public Optional<Upload> forMachine(String machine) {
            if (!binaries.containsKey(machine)) {
                return Optional.empty();
            }
            Map<String, MkctlBinary> reordered = new LinkedHashMap<>();
            reordered.put(machine, binaries.get(machine));
            reordered.putAll(binaries);
            return Optional.of(new Upload(directory, reordered));
        }

        /** The path of the binary on the host. */
        public String path() {
            return directory + "/" + binary().fileName();
        }
    }

    /** mkctl is already installed at {@code path} (by a package or configuration management). */
    record Preinstalled(String path) implements MkctlInstall {
        public Preinstalled {
            Objects.requireNonNull(path, "path");
            if (path.isBlank() || path.contains("\0") || path.contains("\n")) {
                throw new IllegalArgumentException("'" + path + "' is not a file path");
            }
        }
    }

    /** The path of the program on the host. */
    default String programPath() {
        return this instanceof Upload u ? u.path() : ((Preinstalled) this).path();
    }
}
