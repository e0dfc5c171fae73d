package dev.multikernel.sim.kernel;

/**
 * Numbers of the kexec/reboot side of the multikernel ABI (reference §4 "Syscall constants").
 */
public final class MultikernelAbi {
    private MultikernelAbi() {}

    public static final long KEXEC_FILE_UNLOAD = 0x1;
    public static final long KEXEC_FILE_ON_CRASH = 0x2;
    public static final long KEXEC_FILE_NO_INITRAMFS = 0x4;
    public static final long KEXEC_FILE_DEBUG = 0x8;
    /** Same value as upstream KEXEC_FILE_NO_CMA (the flag clash of reference §4). */
    public static final long KEXEC_MULTIKERNEL = 0x10;
    /** Upstream KEXEC_FILE_FORCE_DTB, the same bit as KEXEC_MK_ID(1). */
    public static final long KEXEC_FILE_FORCE_DTB = 0x20;

    public static final int KEXEC_MK_ID_SHIFT = 5;
    public static final long KEXEC_MK_ID_MASK = 0xffe0;
    /** Upstream KEXEC_FILE_FLAGS (0x1..0x20); RFC v2 adds nothing beyond it (reference §4 "RFC v2 flag check"). */
    public static final long KEXEC_FILE_FLAGS_UPSTREAM = 0x3f;
    /** The current tree adds the id mask to KEXEC_FILE_FLAGS. */
    public static final long KEXEC_FILE_FLAGS_CURRENT = KEXEC_FILE_FLAGS_UPSTREAM | KEXEC_MK_ID_MASK;

    public static final int LINUX_REBOOT_MAGIC1 = 0xfee1dead;
    public static final int LINUX_REBOOT_MAGIC2 = 672274793;
    public static final int LINUX_REBOOT_MAGIC2A = 85072278;
    public static final int LINUX_REBOOT_MAGIC2B = 369367448;
    public static final int LINUX_REBOOT_MAGIC2C = 537993216;

    public static final int LINUX_REBOOT_CMD_RESTART = 0x01234567;
    public static final int LINUX_REBOOT_CMD_HALT = 0xCDEF0123;
    public static final int LINUX_REBOOT_CMD_POWER_OFF = 0x4321FEDC;
    public static final int LINUX_REBOOT_CMD_CAD_ON = 0x89ABCDEF;
    public static final int LINUX_REBOOT_CMD_CAD_OFF = 0x00000000;
    /** "MKLI": boot the loaded image of an instance. */
    public static final int LINUX_REBOOT_CMD_MULTIKERNEL = 0x4D4B4C49;
    /** "MKLH": graceful halt, current tree only. */
    public static final int LINUX_REBOOT_CMD_MULTIKERNEL_HALT = 0x4D4B4C48;
    /** "MKLF": force halt, current tree only. */
    public static final int LINUX_REBOOT_CMD_MULTIKERNEL_HALT_FORCE = 0x4D4B4C46;

    /** Magic of the multikernel filesystem superblock ("mkfs"). */
    public static final long MULTIKERNEL_SUPER_MAGIC = 0x6d6b6673L;

    /** {@code KEXEC_MK_ID(id)}: {@code (id << 5) & 0xffe0}. */
    public static long kexecMkId(int id) {
        return ((long) id << KEXEC_MK_ID_SHIFT) & KEXEC_MK_ID_MASK;
    }

    /** The instance id carried in kexec flags. */
    public static int mkIdOf(long flags) {
        return (int) ((flags & KEXEC_MK_ID_MASK) >>> KEXEC_MK_ID_SHIFT);
    }
}
