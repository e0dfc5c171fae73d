package dev.multikernel.sim.kernel;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The x86 boot protocol setup header of a bzImage, and the checks the kernel's 64-bit bzImage
 * kexec loader makes before it accepts one (arch/x86/kernel/kexec-bzimage64.c: the probe
 * answers {@code -ENOEXEC} for anything else; the load step checks truncation and the command
 * line length). Offsets are those of {@code struct setup_header} inside {@code struct boot_params}.
 *
 * @param setupSects number of 512-byte setup sectors (0 means 4)
 * @param bootFlag 0xAA55 when the boot sector signature (bytes 0x55 0xAA at 510) is present
 * @param headerMagic the 4 bytes at 0x202 ("HdrS")
 * @param version boot protocol version, e.g. 0x020f for 2.15
 * @param loadFlags bit 0 LOADED_HIGH
 * @param xloadFlags bit 0 XLF_KERNEL_64, bit 1 XLF_CAN_BE_LOADED_ABOVE_4G
 * @param cmdlineSize longest command line the kernel takes, without the NUL
 * @param kernelAlignment physical alignment the kernel wants
 */
public record BzImage(
        int setupSects,
        int bootFlag,
        String headerMagic,
        int version,
        int loadFlags,
        int xloadFlags,
        long cmdlineSize,
        long kernelAlignment) {

    public static final int OFFSET_SETUP_SECTS = 0x1f1;
    public static final int OFFSET_BOOT_FLAG = 0x1fe;
    public static final int OFFSET_HEADER = 0x202;
    public static final int OFFSET_VERSION = 0x206;
    public static final int OFFSET_LOADFLAGS = 0x211;
    public static final int OFFSET_KERNEL_ALIGNMENT = 0x230;
    public static final int OFFSET_XLOADFLAGS = 0x236;
    public static final int OFFSET_CMDLINE_SIZE = 0x238;
    /** Bytes of the file the probe and load steps look at. */
    public static final int HEADER_BYTES = 0x270;

    /** The 64-bit loader wants at least boot protocol 2.12 (xloadflags appeared there). */
    public static final int MIN_PROTOCOL = 0x020C;

    public static final int LOADED_HIGH = 0x01;
    public static final int XLF_KERNEL_64 = 0x01;
    public static final int XLF_CAN_BE_LOADED_ABOVE_4G = 0x02;
    /** Room the loader keeps for an appended "elfcorehdr=" (MAX_ELFCOREHDR_STR_LEN). */
    public static final int MAX_ELFCOREHDR_STR_LEN = 30;

    /** Reads the header fields; {@code head} must hold at least {@link #HEADER_BYTES} bytes. */
    static BzImage read(byte[] head) {
        ByteBuffer b = ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN);
        String magic = new String(head, OFFSET_HEADER, 4, java.nio.charset.StandardCharsets.ISO_8859_1);
        return new BzImage(
                head[OFFSET_SETUP_SECTS] & 0xff,
                b.getShort(OFFSET_BOOT_FLAG) & 0xffff,
                magic,
                b.getShort(OFFSET_VERSION) & 0xffff,
                head[OFFSET_LOADFLAGS] & 0xff,
                b.getShort(OFFSET_XLOADFLAGS) & 0xffff,
                b.getInt(OFFSET_CMDLINE_SIZE) & 0xffffffffL,
                b.getInt(OFFSET_KERNEL_ALIGNMENT) & 0xffffffffL);
    }

    /**
     * The probe of the 64-bit bzImage loader: returns the header or throws {@code ENOEXEC} with
     * the reason the kernel logs.
     *
     * @param head the first bytes of the file (up to {@link #HEADER_BYTES})
     * @param fileLength the whole file's length
     */
    public static BzImage probe(byte[] head, long fileLength) throws KernelError {
        if (fileLength < 2 * 512 || head.length < HEADER_BYTES) {
            throw new KernelError(Errno.ENOEXEC, "File is too short to be a bzImage (" + fileLength + " bytes)");
        }
        BzImage h = read(head);
        if (!h.headerMagic.equals("HdrS")) {
            throw new KernelError(Errno.ENOEXEC, "Not a bzImage (no \"HdrS\" magic at 0x202)");
        }
        if (h.bootFlag != 0xAA55) {
            throw new KernelError(Errno.ENOEXEC, "No x86 boot sector present (0x55AA at 510)");
        }
        if (h.version < MIN_PROTOCOL) {
            throw new KernelError(
                    Errno.ENOEXEC,
                    String.format(
                            "Must be at least protocol version 2.12, image has %d.%02d",
                            h.version >> 8, h.version & 0xff));
        }
        if ((h.loadFlags & LOADED_HIGH) == 0) {
            throw new KernelError(Errno.ENOEXEC, "zImage not a bzImage (LOADED_HIGH not set)");
        }
        if ((h.xloadFlags & XLF_KERNEL_64) == 0) {
            throw new KernelError(Errno.ENOEXEC, "Not a bzImage64. XLF_KERNEL_64 is not set.");
        }
        if ((h.xloadFlags & XLF_CAN_BE_LOADED_ABOVE_4G) == 0) {
            throw new KernelError(Errno.ENOEXEC, "XLF_CAN_BE_LOADED_ABOVE_4G is not set.");
        }
        return h;
    }

    /** Size of the real-mode part (setup sectors plus the boot sector). */
    public long setupBytes() {
        return ((setupSects == 0 ? 4L : setupSects) + 1) * 512;
    }

    /**
     * The load step's checks: the file must hold the whole setup part, and the command line
     * (its length including the NUL, as passed to kexec_file_load) must leave room for
     * "elfcorehdr=" within cmdline_size.
     */
    public void checkLoad(long fileLength, long cmdlineLen) throws KernelError {
        if (fileLength < setupBytes()) {
            throw new KernelError(
                    Errno.ENOEXEC, "bzImage truncated: " + fileLength + " bytes, setup alone needs " + setupBytes());
        }
        if (cmdlineLen > cmdlineSize) {
            throw new KernelError(
                    Errno.EINVAL,
                    "Kernel command line too long (" + cmdlineLen + " bytes, image accepts " + cmdlineSize + ")");
        }
        if (cmdlineLen + MAX_ELFCOREHDR_STR_LEN > cmdlineSize) {
            throw new KernelError(
                    Errno.EINVAL, "Appending elfcorehdr=<addr> to command line exceeds maximum allowed length");
        }
    }
}
