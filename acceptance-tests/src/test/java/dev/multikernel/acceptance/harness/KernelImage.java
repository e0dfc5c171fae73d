package dev.multikernel.acceptance.harness;

import dev.multikernel.sim.fixtures.KernelImages;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Kernel and initrd files for instances: a tiny x86 bzImage the simulated kexec loader accepts
 * (the simulator's {@link KernelImages#valid()}), and a small initrd. They live on this machine,
 * which is the simulated hosts' file system.
 */
public final class KernelImage {
    private KernelImage() {}

    public static Path write(Path file) throws IOException {
        return KernelImages.valid().writeTo(file);
    }

    public static Path writeInitrd(Path file) throws IOException {
        byte[] b = new byte[4096];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (i * 13);
        }
        return Files.write(file, b);
    }
}
