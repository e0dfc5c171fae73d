package dev.multikernel.sim.kernel;

/**
 * The kinds of kernel access the model serves; used to aim injected faults.
 * What a fault's path glob is matched against is given per constant.
 */
public enum Operation {
    /** read(2) of a file; matched against the file path. */
    READ,
    /** write(2) of a file; matched against the file path. */
    WRITE,
    /** getdents(2) of a directory; matched against the directory path. */
    LIST,
    /** mkdir(2); matched against the path. */
    MKDIR,
    /** rmdir(2); matched against the path. */
    RMDIR,
    /** mount(2); matched against the target directory. */
    MOUNT,
    /** kexec_file_load(2); matched against the kernel image path ("" for an unload). */
    KEXEC_FILE_LOAD,
    /** reboot(2); matched against the command as 8 lower-case hex digits, e.g. "4d4b4c49". */
    REBOOT,
    /**
     * Applying one overlay fragment (current tree): the {@code write()} to overlays/new still
     * succeeds but the transaction ends {@code failed}; matched against the fragment's
     * target-path.
     */
    OVERLAY_APPLY
}
