package dev.multikernel.sim.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

import dev.multikernel.sim.kernel.BzImage;

/**
 * A tiny x86 bzImage that the simulated kernel's kexec loader accepts: a setup header for boot
 * protocol 2.15, 64-bit and loadable above 4 GiB, one setup sector and a few KiB of filler. Nothing in
 * it runs. The simulator puts one on every host so that instances can be loaded and started without a
 * real kernel build.
 */
final class SimKernelImage {

    /** Where each host's image lives, relative to the host's directory. */
    static final String RELATIVE_PATH = "boot/vmlinuz";
    static final int SETUP_SECTS = 1;
    static final int PROTOCOL_2_15 = 0x020F;
    static final int CMDLINE_SIZE = 2047;
    static final int KERNEL_ALIGNMENT = 0x200000;
    static final int PAYLOAD_BYTES = 8192;

    private SimKernelImage() {
    }

    /** The image's bytes. */
    static byte[] bytes() {
        int setupBytes = (SETUP_SECTS + 1) * 512;
        byte[] b = new byte[setupBytes + PAYLOAD_BYTES];
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        b[BzImage.OFFSET_SETUP_SECTS] = (byte) SETUP_SECTS;
        bb.putShort(BzImage.OFFSET_BOOT_FLAG, (short) 0xAA55);
        bb.putShort(0x200, (short) 0x66eb); // the jump over the header that real images start with
        System.arraycopy("HdrS".getBytes(StandardCharsets.US_ASCII), 0, b, BzImage.OFFSET_HEADER, 4);
        bb.putShort(BzImage.OFFSET_VERSION, (short) PROTOCOL_2_15);
        b[BzImage.OFFSET_LOADFLAGS] = (byte) BzImage.LOADED_HIGH;
        bb.putInt(BzImage.OFFSET_KERNEL_ALIGNMENT, KERNEL_ALIGNMENT);
        b[0x234] = 1; // relocatable_kernel
        bb.putShort(BzImage.OFFSET_XLOADFLAGS,
                (short) (BzImage.XLF_KERNEL_64 | BzImage.XLF_CAN_BE_LOADED_ABOVE_4G));
        bb.putInt(BzImage.OFFSET_CMDLINE_SIZE, CMDLINE_SIZE);
        byte[] text = "multikernel-sim test kernel image: not a real kernel\n".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(text, 0, b, setupBytes, text.length);
        return b;
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
