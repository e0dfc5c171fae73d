package dev.multikernel.sim.ssh;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/** Whole-file writes that readers never see half done, with the file mode set before the file appears. */
public final class AtomicFiles {

    private AtomicFiles() {}

    /**
     * Writes {@code content} (UTF-8) to a temporary file in the target's directory with the given
     * POSIX permissions (e.g. {@code "rw-------"}), then renames it over {@code target}.
     */
    public static void write(Path target, String content, String posixPermissions) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(
                dir,
                "." + target.getFileName(),
                ".tmp",
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(posixPermissions)));
        try {
            Files.writeString(tmp, content, StandardCharsets.UTF_8);
            // createTempFile's mode is filtered by the umask; set it again explicitly.
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString(posixPermissions));
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
