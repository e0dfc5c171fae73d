package dev.multikernel.host.mkctl;

import java.util.Objects;

/** Where mkctl lives on a host. */
public sealed interface MkctlInstall {

    /** The default upload directory, relative to the login user's home. */
    String DEFAULT_DIRECTORY = ".cache/multikernel";

    /**
     * Upload {@code binary} into {@code directory} on first use (mode 0700 directory, 0755 file named
     * {@code mkctl-<sha256 prefix>}), check its SHA-256 on the host with {@code sha256sum}, and reuse
     * it while it matches. A relative directory is relative to the login user's home.
     */
    record Upload(String directory, MkctlBinary binary) implements MkctlInstall {
        public Upload {
            Objects.requireNonNull(directory, "directory");
            Objects.requireNonNull(binary, "binary");
            if (directory.isBlank() || directory.contains("\0") || directory.contains("\n")) {
                throw new IllegalArgumentException("'" + directory + "' is not a directory path");
            }
            while (directory.length() > 1 && directory.endsWith("/")) {
                directory = directory.substring(0, directory.length() - 1);
            }
        }

        /** The embedded binary in {@link #DEFAULT_DIRECTORY}. */
        public static Upload defaults() {
            return new Upload(DEFAULT_DIRECTORY, MkctlBinary.embedded());
        }

        /** The path of the binary on the host. */
        public String path() {
            return directory + "/" + binary.fileName();
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
