package dev.tfjvm.daemon;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;

/**
 * The socket directory must be a real directory of the daemon's user that nobody else can
 * enter; the launcher creates it that way, and the daemon checks it again rather than trust it.
 */
final class SocketDirectory {
    private static final Set<PosixFilePermission> OTHERS = EnumSet.of(
            PosixFilePermission.GROUP_READ,
            PosixFilePermission.GROUP_WRITE,
            PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ,
            PosixFilePermission.OTHERS_WRITE,
            PosixFilePermission.OTHERS_EXECUTE);

    private SocketDirectory() {}

    static void check(Path dir) throws IOException {
        PosixFileAttributes a = Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!a.isDirectory()) {
            throw new IOException("the daemon socket directory " + dir + " is not a directory; remove it");
        }
        if (!a.owner().equals(Files.getOwner(Path.of("/proc/self")))) {
            throw new IOException("the daemon socket directory " + dir + " belongs to "
                    + a.owner().getName()
                    + ", not to this user; remove it or set TF_JVM_DAEMON_DIR to a directory of your own");
        }
        if (a.permissions().stream().anyMatch(OTHERS::contains)) {
            throw new IOException(
                    "the daemon socket directory " + dir + " can be entered by other users; " + "run chmod 700 " + dir);
        }
    }
}
