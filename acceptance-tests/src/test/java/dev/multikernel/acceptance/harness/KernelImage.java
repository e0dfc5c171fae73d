package dev.multikernel.acceptance.harness;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A tiny x86 bzImage that the simulated kernel's kexec loader accepts (boot protocol 2.15, 64-bit,
 * loadable above 4 GiB, relocatable). Nothing in it runs; only the setup header is checked.
 */
public final class KernelImage {
    private KernelImage() {
    }

    public static Path write(Path file) throws IOException {
        int setupSects = 1;
        int payload = 8192;
        byte[] b = new byte[(setupSects + 1) * 512 + payload];
        ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        b[0x1f1] = (byte) setupSects;
        bb.putShort(0x1fe, (short) 0xAA55); // boot flag
        bb.putShort(0x200, (short) 0x66eb); // jump over the header
        b[0x202] = 'H';
        b[0x203] = 'd';
        b[0x204] = 'r';
        b[0x205] = 'S';
        bb.putShort(0x206, (short) 0x020F); // boot protocol 2.15
        b[0x211] = 0x01; // LOADED_HIGH
        bb.putInt(0x230, 0x200000); // kernel alignment
        b[0x234] = 1; // relocatable
        bb.putShort(0x236, (short) 0x03); // XLF_KERNEL_64 | XLF_CAN_BE_LOADED_ABOVE_4G
        bb.putInt(0x238, 2047); // cmdline size
        for (int i = (setupSects + 1) * 512; i < b.length; i++) {
            b[i] = (byte) (i * 7);
        }
        return Files.write(file, b);
    }

    public static Path writeInitrd(Path file) throws IOException {
        byte[] b = new byte[4096];
        for (int i = 0; i < b.length; i++) {
            b[i] = (byte) (i * 13);
        }
        return Files.write(file, b);
    }
}
