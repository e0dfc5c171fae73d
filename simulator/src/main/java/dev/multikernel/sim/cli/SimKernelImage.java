package dev.multikernel.sim.cli;

import dev.multikernel.sim.fixtures.KernelImages;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * A tiny x86 bzImage that the simulated kernel's kexec loader accepts: a setup header for boot
 * protocol 2.15, 64-bit and loadable above 4 GiB, one setup sector and a few KiB of filler. Nothing in
 * it runs. The simulator puts one on every host so that instances can be loaded and started without a
 * real kernel build.
 */
final class SimKernelImage {

    /** Where each host's image lives, relative to the host's directory. */
    static final String RELATIVE_PATH = "boot/vmlinuz";

    private SimKernelImage() {}

    /** The image's bytes: {@link KernelImages#valid()}. */
    static byte[] bytes() {
        return KernelImages.valid().bytes();
    }

    /** Writes the image to {@code hostDir/boot/vmlinuz} (replacing it whole) and returns its path. */
    static Path writeFor(Path hostDir) throws IOException {
        Path target = hostDir.resolve(RELATIVE_PATH);
        Files.createDirectories(target.getParent());
        Path tmp = Files.createTempFile(target.getParent(), ".vmlinuz", ".tmp");
        try {
            Files.write(tmp, bytes());
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return target;
    }
}
