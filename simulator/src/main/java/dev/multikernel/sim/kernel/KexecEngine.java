package dev.multikernel.sim.kernel;

import static dev.multikernel.sim.kernel.MultikernelAbi.*;

import dev.multikernel.host.devicetree.Node;
import dev.multikernel.sim.kernel.KernelState.Instance;
import dev.multikernel.sim.kernel.KernelState.InstanceStatus;
import dev.multikernel.sim.kernel.KernelState.Kimage;
import dev.multikernel.sim.kernel.KernelState.Region;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * kexec_file_load and the multikernel reboot commands (reference §4), for both generations.
 */
final class KexecEngine {
    static final long PURGATORY_BYTES = 4 * MemoryMap.PAGE;
    static final long HANDOVER_BYTES = MemoryMap.PAGE;
    static final long PLAIN_IMAGE_BASE = 0x20000000L;
    static final int PAGE_SIZE = 4096;

    private final InterfaceGeneration generation;
    private final HostTopology topology;
    private final KernelLog log;
    private final FaultInjector faults;

    KexecEngine(InterfaceGeneration generation, HostTopology topology, KernelLog log, FaultInjector faults) {
        this.generation = generation;
        this.topology = topology;
        this.log = log;
        this.faults = faults;
    }

    private static Optional<Instance> byId(KernelState s, int id) {
        return s.instances.values().stream().filter(i -> i.id == id).findFirst();
    }

    // =========================================================== kexec_file_load

    void kexecFileLoad(KernelState s, Optional<Path> kernel, Optional<Path> initrd, byte[] cmdline, long flags)
            throws KernelError {
        long allowed = generation == InterfaceGeneration.CURRENT ? KEXEC_FILE_FLAGS_CURRENT : KEXEC_FILE_FLAGS_UPSTREAM;
        if ((flags & ~allowed) != 0) {
            throw new KernelError(
                    Errno.EINVAL,
                    String.format(
                            "flags 0x%x are not a subset of KEXEC_FILE_FLAGS 0x%x%s",
                            flags,
                            allowed,
                            generation == InterfaceGeneration.RFC_V2
                                    ? " (RFC v2 does not add KEXEC_MK_ID_MASK: only mk_id 1 passes)"
                                    : ""));
        }
        boolean mk = (flags & KEXEC_MULTIKERNEL) != 0;
        boolean crash = (flags & KEXEC_FILE_ON_CRASH) != 0;
        int mkId = mkIdOf(flags);
        if ((flags & KEXEC_FILE_UNLOAD) != 0) {
            unload(s, mk, crash, mkId);
            return;
        }
        Instance target = null;
        if (mk) {
            if (mkId <= 0) {
                throw new KernelError(
                        Errno.EINVAL, "multikernel load needs an instance id in KEXEC_MK_ID (got " + mkId + ")");
            }
            target = byId(s, mkId).orElseThrow(() -> new KernelError(Errno.ENOENT, "No instance with id " + mkId));
            if (target.kimage != null) {
                throw new KernelError(Errno.EBUSY, "Instance " + mkId + " (" + target.name + ") already has a kimage");
            }
        }
        // kimage_file_prepare_segments: kernel, probe, initrd, cmdline, then the loader
        FileInfo k = readFile(kernel, "kernel");
        BzImage header = BzImage.probe(k.head, k.size);
        long initrdSize = 0;
        String initrdPath = "";
        if ((flags & KEXEC_FILE_NO_INITRAMFS) == 0) {
            FileInfo i = readFile(initrd, "initrd");
            initrdSize = i.size;
            initrdPath = i.path;
        }
        if (cmdline.length > 0 && cmdline[cmdline.length - 1] != 0) {
            throw new KernelError(Errno.EINVAL, "command line must end with a NUL byte (cmdline_len counts it)");
        }
        header.checkLoad(k.size, cmdline.length);

        List<Long> sizes = new ArrayList<>();
        sizes.add(align(Math.max(k.size - header.setupBytes(), 1))); // kernel
        if (initrdSize > 0) {
            sizes.add(align(initrdSize)); // initrd
        }
        sizes.add(align(MemoryMap.PAGE + cmdline.length)); // boot_params + cmdline
        sizes.add(PURGATORY_BYTES); // purgatory
        int purgatoryIndex = sizes.size() - 1;
        if (mk) {
            sizes.add(HANDOVER_BYTES); // manifest (current) / KHO FDT (v2)
        }
        List<Region> segments = mk ? place(sizes, target.memory, target) : placePlain(sizes);

        Kimage image = new Kimage();
        image.mkId = mk ? mkId : 0;
        image.type = mk ? "multikernel" : crash ? "crash" : "default";
        image.segments = segments;
        image.start = segments.get(purgatoryIndex).base;
        image.kernelPath = k.path;
        image.kernelSize = k.size;
        image.initrdPath = initrdPath;
        image.cmdline = cmdline.length == 0 ? "" : new String(cmdline, 0, cmdline.length - 1, StandardCharsets.UTF_8);
        image.sequence = ++s.loadSequence;

        if (generation == InterfaceGeneration.RFC_V2 && !crash) {
            // one kexec_image slot: installing a new image frees the previous one (reference §4 caveat)
            freeV2Slot(s);
        }
        if (mk) {
            target.kimage = image;
            target.state = generation == InterfaceGeneration.CURRENT ? InstanceStatus.LOADED : InstanceStatus.LOADING;
            if (generation == InterfaceGeneration.RFC_V2) {
                s.v2SlotMkId = mkId;
            }
            log.info("Loaded multikernel image for instance " + mkId + " (" + target.name + "), " + segments.size()
                    + " segments");
        } else {
            s.plainImages.removeIf(p -> p.type.equals(image.type));
            s.plainImages.add(image);
            log.info("Loaded " + image.type + " kexec image");
        }
    }

    private void unload(KernelState s, boolean mk, boolean crash, int mkId) throws KernelError {
        if (generation == InterfaceGeneration.RFC_V2) {
            if (crash) {
                s.plainImages.removeIf(p -> p.type.equals("crash"));
            } else {
                // v2 frees whatever kexec_image holds, ignoring the id (reference §4 caveat)
                freeV2Slot(s);
            }
            return;
        }
        if (!mk) {
            String type = crash ? "crash" : "default";
            s.plainImages.removeIf(p -> p.type.equals(type));
            return;
        }
        if (mkId <= 0) {
            throw new KernelError(Errno.EINVAL, "multikernel unload needs an instance id in KEXEC_MK_ID");
        }
        Instance inst = byId(s, mkId).orElseThrow(() -> new KernelError(Errno.ENOENT, "No instance with id " + mkId));
        if (inst.kimage == null) {
            return; // like upstream: unloading nothing succeeds
        }
        if (inst.state == InstanceStatus.ACTIVE) {
            throw new KernelError(Errno.EBUSY, "Instance " + mkId + " (" + inst.name + ") is running; halt it first");
        }
        inst.kimage = null;
        inst.state = InstanceStatus.READY;
        log.info("Unloaded multikernel image of instance " + mkId + " (" + inst.name + ")");
    }

    private void freeV2Slot(KernelState s) {
        s.plainImages.removeIf(p -> p.type.equals("default"));
        if (s.v2SlotMkId != 0) {
            int id = s.v2SlotMkId;
            byId(s, id).ifPresent(i -> {
                i.kimage = null;
                if (i.state == InstanceStatus.LOADING) {
                    i.state = InstanceStatus.READY;
                }
                log.info("kexec_image of instance " + id + " (" + i.name + ") freed");
            });
            s.v2SlotMkId = 0;
        }
    }

    private record FileInfo(String path, long size, byte[] head) {}

    /** What kernel_read_file_from_fd sees; an unreadable path stands for a bad descriptor. */
    private static FileInfo readFile(Optional<Path> path, String what) throws KernelError {
        if (path.isEmpty()) {
            throw new KernelError(
                    Errno.EBADF,
                    what + " fd is -1"
                            + (what.equals("initrd") ? " (pass KEXEC_FILE_NO_INITRAMFS to load without one)" : ""));
        }
        Path p = path.get();
        if (!Files.exists(p) || !Files.isReadable(p)) {
            throw new KernelError(Errno.EBADF, what + " " + p + " cannot be opened");
        }
        if (!Files.isRegularFile(p)) {
            throw new KernelError(Errno.EINVAL, what + " " + p + " is not a regular file");
        }
        try {
            long size = Files.size(p);
            if (size <= 0) {
                throw new KernelError(Errno.EINVAL, what + " " + p + " is empty");
            }
            if (size > Integer.MAX_VALUE) {
                throw new KernelError(Errno.EFBIG, what + " " + p + " is larger than INT_MAX");
            }
            byte[] head;
            try (InputStream in = Files.newInputStream(p)) {
                head = in.readNBytes(BzImage.HEADER_BYTES);
            }
            return new FileInfo(p.toString(), size, head);
        } catch (IOException e) {
            throw new KernelError(Errno.EIO, "reading " + what + " " + p + ": " + e.getMessage());
        }
    }

    private static long align(long v) {
        return MemoryMap.alignUp(v, MemoryMap.PAGE);
    }

    /** Segments go into the instance's own memory, in order, each inside one region. */
    private static List<Region> place(List<Long> sizes, List<Region> memory, Instance inst) throws KernelError {
        List<Region> regions = new ArrayList<>(memory);
        regions.sort(Comparator.comparingLong(r -> r.base));
        long[] used = new long[regions.size()];
        List<Region> out = new ArrayList<>();
        for (long size : sizes) {
            Region placed = null;
            for (int i = 0; i < regions.size() && placed == null; i++) {
                if (regions.get(i).size - used[i] >= size) {
                    placed = new Region(regions.get(i).base + used[i], size);
                    used[i] += size;
                }
            }
            if (placed == null) {
                long total = sizes.stream().mapToLong(Long::longValue).sum();
                throw new KernelError(
                        Errno.ENOMEM,
                        "kimage needs " + total + " bytes in the memory of instance '" + inst.name + "', which has "
                                + inst.memoryBytes());
            }
            out.add(placed);
        }
        return out;
    }

    private static List<Region> placePlain(List<Long> sizes) {
        List<Region> out = new ArrayList<>();
        long at = PLAIN_IMAGE_BASE;
        for (long size : sizes) {
            out.add(new Region(at, size));
            at += size;
        }
        return out;
    }

    // =========================================================== reboot(MULTIKERNEL*)

    void exec(KernelState s, int mkId) throws KernelError {
        Instance inst = byId(s, mkId).orElse(null);
        if (inst == null || inst.kimage == null || (generation == InterfaceGeneration.RFC_V2 && s.v2SlotMkId != mkId)) {
            throw new KernelError(Errno.EINVAL, "No image loaded for multikernel id " + mkId);
        }
        if (inst.state == InstanceStatus.ACTIVE || inst.state == InstanceStatus.FAILED) {
            throw new KernelError(Errno.EBUSY, "Instance " + mkId + " (" + inst.name + ") is " + inst.state.text);
        }
        if (inst.cpus.isEmpty()) {
            throw new KernelError(Errno.EINVAL, "Instance " + mkId + " (" + inst.name + ") has no CPUs");
        }
        if (generation == InterfaceGeneration.RFC_V2) {
            int first = inst.cpus.stream().mapToInt(Long::intValue).min().orElseThrow();
            if (inst.v2OnlineCpus.contains(first) || !s.v2OfflineCpus.contains(first)) {
                throw new KernelError(Errno.EBUSY, "CPU " + first + " of instance " + mkId + " is online");
            }
            byte[] kho = Dt.write(Node.builder("")
                    .string("compatible", "multikernel-v1")
                    .child(Node.builder("multikernel")
                            .bytes("dtb-data", inst.v2Dtb == null ? new byte[0] : inst.v2Dtb)
                            .build())
                    .build());
            if (kho.length > PAGE_SIZE) {
                throw new KernelError(Errno.ENOSPC, "KHO FDT of " + kho.length + " bytes exceeds one page");
            }
        }
        inst.state = InstanceStatus.ACTIVE;
        log.info("Multikernel instance " + mkId + " is now active");
    }

    /** reboot(MULTIKERNEL_HALT / _HALT_FORCE), current tree only (reference §4 "Stop"). */
    void halt(KernelState s, int mkId, boolean force) throws KernelError {
        Instance inst = byId(s, mkId).orElseThrow(() -> new KernelError(Errno.ENOENT, "No instance with id " + mkId));
        if (force) {
            if (inst.state != InstanceStatus.ACTIVE && inst.state != InstanceStatus.LOADED) {
                throw new KernelError(
                        Errno.EINVAL, "Instance " + mkId + " is " + inst.state.text + ", not active or loaded");
            }
        } else {
            if (inst.state != InstanceStatus.ACTIVE) {
                throw new KernelError(Errno.EINVAL, "Instance " + mkId + " is " + inst.state.text + ", not active");
            }
            if (faults.haltTimesOut()) {
                log.err("Instance " + mkId + " did not acknowledge MK_SYS_SHUTDOWN within 30 s");
                throw new KernelError(
                        Errno.ETIMEDOUT,
                        "Instance " + mkId + " did not acknowledge the shutdown within 30 s; "
                                + "use LINUX_REBOOT_CMD_MULTIKERNEL_HALT_FORCE");
            }
        }
        if (faults.haltCannotQuiesce()) {
            inst.state = InstanceStatus.FAILED;
            log.err("Instance " + mkId + " (" + inst.name + "): device interrupts could not be quiesced");
            return;
        }
        inst.state = InstanceStatus.LOADED;
        log.info("Instance " + mkId + " (" + inst.name + ") halted" + (force ? " (forced)" : ""));
    }
}
