package dev.multikernel.sim.kernel;

import static dev.multikernel.sim.kernel.MultikernelAbi.*;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.multikernel.sim.kernel.KernelState.Chunk;
import dev.multikernel.sim.kernel.KernelState.Instance;
import dev.multikernel.sim.kernel.KernelState.Kimage;
import dev.multikernel.sim.kernel.KernelState.Tx;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * A simulated multikernel host kernel: the syscall surface {@code mkctl} uses (file reads and
 * writes under /sys/fs/multikernel and /proc, mkdir, rmdir, readdir, mount, kexec_file_load,
 * reboot), following docs/reference kernel-interface.md section by section for the
 * {@linkplain InterfaceGeneration interface generation} it was opened with.
 *
 * <p>Every entry point is one system call: it either returns (the call succeeded, and a write
 * wrote every byte) or throws {@link KernelError} with the errno the call returns. Calls are
 * serialised. After every call that can change kernel state, the state is written atomically
 * to {@code stateDir}, so a restarted simulator process finds the host as it was; a
 * {@linkplain #rebootHost() simulated host reboot} resets the kernel and draws a new boot id.
 *
 * <p>Paths served:
 * <ul>
 *   <li>/sys/fs/multikernel (the mount point; empty until mounted) and the multikernel fs under it;</li>
 *   <li>/proc/kimage, /proc/iomem, /proc/cmdline, /proc/cpuinfo, /proc/mounts, /proc/sys/kernel/osrelease,
 *       /proc/sys/kernel/random/boot_id;</li>
 *   <li>/sys/devices/system/cpu/online, /sys/devices/system/cpu/offline, /sys/devices/system/cpu/cpuN/online and
 *       cpuN/nodeM.</li>
 * </ul>
 */
public final class KernelModel implements AutoCloseable {
    /** What uname -r says on a simulated host. */
    public static final String KERNEL_RELEASE = "6.18.0-multikernel-sim";

    static final String STATE_FILE = "kernel-state.json";
    static final int STATE_FORMAT = 1;
    static final String MOUNT_POINT = "/sys/fs/multikernel";
    static final int PATH_MAX = 4096;
    static final int NAME_MAX = 255;

    private static final ObjectMapper MAPPER =
            new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private final Object lock = new Object();
    private final Path stateDir;
    private final HostTopology topology;
    private final InterfaceGeneration generation;
    private final FaultInjector faults = new FaultInjector();
    private final KernelLog log = new KernelLog();
    private final MemoryMap memoryMap;
    private final CurrentTree current;
    private final RfcV2Tree v2;
    private final KexecEngine kexec;
    private KernelState state;
    private String bootId;
    private Optional<Chunk> v2Pool = Optional.empty();
    private boolean closed;

    private KernelModel(Path stateDir, HostTopology topology, InterfaceGeneration generation) {
        this.stateDir = stateDir;
        this.topology = topology;
        this.generation = generation;
        this.memoryMap = new MemoryMap(topology);
        this.current = new CurrentTree(topology, memoryMap, log, faults);
        this.v2 = new RfcV2Tree(topology, log);
        this.kexec = new KexecEngine(generation, topology, log, faults);
    }

    /**
     * Opens the kernel of a simulated host whose state lives in {@code stateDir} (created if
     * missing). If the directory holds the state of the same topology and generation, the host
     * continues where it was; if the topology or generation differ, the host "boots" afresh
     * (new hardware means a new boot). A state file that cannot be read is an error: delete it to
     * start over.
     */
    public static KernelModel open(Path stateDir, HostTopology topology, InterfaceGeneration generation)
            throws IOException {
        Objects.requireNonNull(stateDir, "stateDir");
        Objects.requireNonNull(topology, "topology");
        Objects.requireNonNull(generation, "generation");
        Files.createDirectories(stateDir);
        KernelModel m = new KernelModel(stateDir, topology, generation);
        Path file = stateDir.resolve(STATE_FILE);
        boolean restored = false;
        if (Files.exists(file)) {
            restored = m.restore(file);
        }
        if (!restored) {
            m.boot();
        } else {
            m.v2Pool =
                    generation == InterfaceGeneration.RFC_V2 ? m.memoryMap.bootPool(new KernelLog()) : Optional.empty();
            m.log.info("Simulator restarted; host state restored (boot id " + m.bootId + ")");
        }
        m.persist();
        return m;
    }

    private boolean restore(Path file) throws IOException {
        JsonNode root;
        try {
            root = MAPPER.readTree(Files.readString(file, StandardCharsets.UTF_8));
        } catch (JsonProcessingException e) {
            throw new IOException(
                    "simulator state " + file + " is not valid JSON (" + e.getOriginalMessage()
                            + "); delete it to start the host afresh",
                    e);
        }
        if (root == null || !root.isObject() || root.path("format").asInt() != STATE_FORMAT) {
            throw new IOException(
                    "simulator state " + file + " has an unknown format; delete it to start the host afresh");
        }
        HostTopology storedTopology;
        try {
            storedTopology = HostTopology.parse(root.path("topology").toString());
        } catch (IllegalArgumentException e) {
            throw new IOException("simulator state " + file + " holds a bad topology: " + e.getMessage(), e);
        }
        if (!storedTopology.equals(topology)
                || !generation.name().equals(root.path("generation").asText())) {
            return false; // other hardware or kernel: a fresh boot
        }
        try {
            state = MAPPER.treeToValue(root.path("state"), KernelState.class);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new IOException(
                    "simulator state " + file + " cannot be read: " + e.getMessage()
                            + "; delete it to start the host afresh",
                    e);
        }
        bootId = root.path("bootId").asText(UUID.randomUUID().toString());
        if (state == null) {
            throw new IOException("simulator state " + file + " has no kernel state; delete it to start afresh");
        }
        return true;
    }

    private void boot() {
        state = new KernelState();
        bootId = UUID.randomUUID().toString();
        log.clear();
        log.info("Booting simulated host (" + generation + ", boot id " + bootId + ")");
        v2Pool = generation == InterfaceGeneration.RFC_V2 ? memoryMap.bootPool(log) : Optional.empty();
        log.info("Multikernel filesystem initialized. Mount with: mount -t multikernel none /sys/fs/multikernel");
    }

    /** Writes the state to a temporary file and renames it over the old one. */
    private void persist() {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("format", STATE_FORMAT);
        root.put("generation", generation.name());
        try {
            root.set("topology", MAPPER.readTree(topology.toJson()));
            root.put("bootId", bootId);
            root.set("state", MAPPER.valueToTree(state));
            byte[] bytes = MAPPER.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
            Path tmp = stateDir.resolve(STATE_FILE + ".tmp");
            Files.write(tmp, bytes);
            try {
                Files.move(
                        tmp,
                        stateDir.resolve(STATE_FILE),
                        StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, stateDir.resolve(STATE_FILE), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("cannot persist simulator state in " + stateDir, e);
        }
    }

    // ================================================================= host-level API

    public String bootId() {
        synchronized (lock) {
            return bootId;
        }
    }

    public InterfaceGeneration generation() {
        return generation;
    }

    public HostTopology topology() {
        return topology;
    }

    public FaultInjector faults() {
        return faults;
    }

    /** The simulated kernel log (dmesg), oldest first, at most 2000 lines. */
    public List<String> kernelLog() {
        return log.snapshot();
    }

    /**
     * Simulated host reboot: instances, pool, transactions, loaded images and the mount are
     * gone, the RFC v2 boot pool is reserved again, and the boot id changes.
     */
    public void rebootHost() {
        synchronized (lock) {
            boot();
            persist();
        }
    }

    // ================================================================= syscalls

    /** read(2) of a whole file. */
    public byte[] read(String path) throws KernelError {
        List<String> p = enter(Operation.READ, path);
        synchronized (lock) {
            checkOpen();
            VNode n = resolve(p);
            if (n instanceof Dir) {
                throw new KernelError(Errno.EISDIR, path + " is a directory");
            }
            return ((File) n).reader.read();
        }
    }

    /** One write(2) of {@code data} at offset 0. */
    public void write(String path, byte[] data) throws KernelError {
        write(path, 0, data);
    }

    /** One pwrite(2) of {@code data} at {@code offset}. */
    public void write(String path, long offset, byte[] data) throws KernelError {
        Objects.requireNonNull(data, "data");
        List<String> p = enter(Operation.WRITE, path);
        synchronized (lock) {
            checkOpen();
            try {
                VNode n = resolve(p);
                if (n instanceof Dir) {
                    throw new KernelError(Errno.EISDIR, path + " is a directory");
                }
                ((File) n).writer.write(offset, data);
            } finally {
                persist();
            }
        }
    }

    /** The names in a directory (readdir without "." and ".."), sorted. */
    public List<String> list(String dir) throws KernelError {
        List<String> p = enter(Operation.LIST, dir);
        synchronized (lock) {
            checkOpen();
            VNode n = resolve(p);
            if (n instanceof File) {
                throw new KernelError(Errno.ENOTDIR, dir + " is not a directory");
            }
            List<String> names = new ArrayList<>(((Dir) n).children.get());
            names.sort(Comparator.naturalOrder());
            return List.copyOf(names);
        }
    }

    /** mkdir(2): the multikernel fs refuses every mkdir with EPERM (reference §1 "Common"). */
    public void mkdir(String path) throws KernelError {
        List<String> p = enter(Operation.MKDIR, path);
        synchronized (lock) {
            checkOpen();
            if (exists(p)) {
                throw new KernelError(Errno.EEXIST, path + " exists");
            }
            if (p.isEmpty()) {
                throw new KernelError(Errno.EEXIST, "/ exists");
            }
            VNode parent = resolve(p.subList(0, p.size() - 1));
            if (parent instanceof File) {
                throw new KernelError(Errno.ENOTDIR, "parent of " + path + " is not a directory");
            }
            if (generation == InterfaceGeneration.RFC_V2
                    && isMounted()
                    && p.size() == 5
                    && join(p.subList(0, 4)).equals(MOUNT_POINT + "/instances")) {
                log.err("Manual instance creation disabled; write a device tree to /sys/fs/multikernel/device_tree");
            }
            throw new KernelError(Errno.EPERM, "mkdir is not supported in " + parentPathOf(p));
        }
    }

    /**
     * rmdir(2): current tree: only overlays/tx_N (rolls the transaction back); RFC v2: only
     * instances/NAME; everything else EPERM (reference §1).
     */
    public void rmdir(String path) throws KernelError {
        List<String> p = enter(Operation.RMDIR, path);
        synchronized (lock) {
            checkOpen();
            try {
                VNode n = resolve(p);
                if (n instanceof File) {
                    throw new KernelError(Errno.ENOTDIR, path + " is not a directory");
                }
                String joined = join(p);
                if (joined.equals(MOUNT_POINT) && isMounted()) {
                    throw new KernelError(Errno.EBUSY, MOUNT_POINT + " is a mount point in use");
                }
                if (isMounted() && p.size() == 5 && joined.startsWith(MOUNT_POINT + "/")) {
                    String dir = p.get(3);
                    String name = p.get(4);
                    if (generation == InterfaceGeneration.CURRENT && dir.equals("overlays") && name.startsWith("tx_")) {
                        Tx tx = txByName(name).orElseThrow(() -> new KernelError(Errno.ENOENT, path + " is gone"));
                        current.removeTransaction(state, tx);
                        return;
                    }
                    if (generation == InterfaceGeneration.RFC_V2 && dir.equals("instances")) {
                        Instance inst = state.instances.get(name);
                        if (inst != null) {
                            v2.rmdirInstance(state, inst);
                            return;
                        }
                    }
                }
                throw new KernelError(Errno.EPERM, "rmdir of " + path + " is not permitted");
            } finally {
                persist();
            }
        }
    }

    /**
     * mount(2). Only the multikernel filesystem on /sys/fs/multikernel is modelled: another
     * type is ENODEV, another target ENOENT. Mounting again succeeds (the fs is global, every
     * mount shows the same tree).
     */
    public void mount(String source, String target, String fsType, long flags, String data) throws KernelError {
        List<String> p = enter(Operation.MOUNT, target);
        synchronized (lock) {
            checkOpen();
            if (!"multikernel".equals(fsType)) {
                throw new KernelError(Errno.ENODEV, "unknown filesystem type '" + fsType + "'");
            }
            if (!join(p).equals(MOUNT_POINT)) {
                throw new KernelError(
                        Errno.ENOENT,
                        "mount point " + target + " does not exist in the simulator (only " + MOUNT_POINT + ")");
            }
            state.mounted = true;
            persist();
        }
    }

    /**
     * {@code kexec_file_load(kernel_fd, initrd_fd, strlen(cmdline)+1, cmdline, flags)} with the
     * files named by path.
     */
    public void kexecFileLoad(Path kernel, Optional<Path> initrd, String cmdline, long flags) throws KernelError {
        Objects.requireNonNull(kernel, "kernel");
        kexecFileLoad(Optional.of(kernel), initrd, (cmdline + "\0").getBytes(StandardCharsets.UTF_8), flags);
    }

    /**
     * The raw call: an empty path is fd -1, {@code cmdline} holds exactly the cmdline_len bytes
     * passed (normally ending in NUL; empty for a NULL command line).
     */
    public void kexecFileLoad(Optional<Path> kernel, Optional<Path> initrd, byte[] cmdline, long flags)
            throws KernelError {
        Objects.requireNonNull(cmdline, "cmdline");
        enterRaw(Operation.KEXEC_FILE_LOAD, kernel.map(Path::toString).orElse(""));
        synchronized (lock) {
            checkOpen();
            try {
                kexec.kexecFileLoad(state, kernel, initrd, cmdline, flags);
            } finally {
                persist();
            }
        }
    }

    /** {@code kexec_file_load(-1, -1, 0, NULL, flags | KEXEC_FILE_UNLOAD)}. */
    public void kexecFileUnload(long flags) throws KernelError {
        kexecFileLoad(Optional.empty(), Optional.empty(), new byte[0], flags | KEXEC_FILE_UNLOAD);
    }

    /**
     * {@code reboot(magic1, magic2, cmd, &arg)}; {@code arg} is the value of the
     * {@code struct { int mk_id; }} the pointer refers to. RESTART, HALT and POWER_OFF reboot
     * the simulated host; CAD_ON/OFF do nothing; the multikernel commands follow reference §4.
     */
    public void reboot(int magic1, int magic2, int cmd, long arg) throws KernelError {
        enterRaw(Operation.REBOOT, String.format("%08x", cmd));
        synchronized (lock) {
            checkOpen();
            if (magic1 != LINUX_REBOOT_MAGIC1
                    || (magic2 != LINUX_REBOOT_MAGIC2
                            && magic2 != LINUX_REBOOT_MAGIC2A
                            && magic2 != LINUX_REBOOT_MAGIC2B
                            && magic2 != LINUX_REBOOT_MAGIC2C)) {
                throw new KernelError(Errno.EINVAL, String.format("bad reboot magic 0x%08x 0x%08x", magic1, magic2));
            }
            int mkId = (int) arg;
            try {
                switch (cmd) {
                    case LINUX_REBOOT_CMD_MULTIKERNEL -> kexec.exec(state, mkId);
                    case LINUX_REBOOT_CMD_MULTIKERNEL_HALT, LINUX_REBOOT_CMD_MULTIKERNEL_HALT_FORCE -> {
                        if (generation == InterfaceGeneration.RFC_V2) {
                            throw new KernelError(
                                    Errno.EINVAL,
                                    String.format(
                                            "reboot command 0x%08x is unknown to an RFC v2 kernel (it has no halt)",
                                            cmd));
                        }
                        kexec.halt(state, mkId, cmd == LINUX_REBOOT_CMD_MULTIKERNEL_HALT_FORCE);
                    }
                    case LINUX_REBOOT_CMD_RESTART, LINUX_REBOOT_CMD_HALT, LINUX_REBOOT_CMD_POWER_OFF -> boot();
                    case LINUX_REBOOT_CMD_CAD_ON, LINUX_REBOOT_CMD_CAD_OFF -> {}
                    default -> throw new KernelError(Errno.EINVAL, String.format("unknown reboot command 0x%08x", cmd));
                }
            } finally {
                persist();
            }
        }
    }

    @Override
    public void close() {
        synchronized (lock) {
            if (!closed) {
                persist();
                closed = true;
            }
        }
    }

    // ================================================================= plumbing

    private void checkOpen() throws KernelError {
        if (closed) {
            throw new KernelError(Errno.EIO, "the simulated kernel has been closed");
        }
    }

    /** Slow-reply delay and injected faults, then the normalised path. */
    private List<String> enter(Operation op, String path) throws KernelError {
        Objects.requireNonNull(path, "path");
        List<String> p = normalise(path);
        enterRaw(op, join(p));
        return p;
    }

    private void enterRaw(Operation op, String subject) throws KernelError {
        Duration delay = faults.slowReplies();
        if (!delay.isZero()) {
            try {
                Thread.sleep(delay.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new KernelError(Errno.EINTR, "interrupted while delaying the reply");
            }
        }
        Optional<Errno> injected = faults.take(op, subject);
        if (injected.isPresent()) {
            log.info("fault injection: " + op + " " + subject + " fails with " + injected.get());
            throw new KernelError(injected.get(), "injected fault (" + op + " " + subject + ")");
        }
    }

    static List<String> normalise(String path) throws KernelError {
        if (path.length() >= PATH_MAX) {
            throw new KernelError(Errno.ENAMETOOLONG, "path longer than " + (PATH_MAX - 1) + " bytes");
        }
        if (!path.startsWith("/")) {
            throw new KernelError(Errno.ENOENT, "'" + path + "' is not an absolute path");
        }
        if (path.indexOf('\0') >= 0) {
            throw new KernelError(Errno.EINVAL, "path contains a NUL byte");
        }
        List<String> out = new ArrayList<>();
        for (String c : path.split("/")) {
            if (c.isEmpty() || c.equals(".")) {
                continue;
            }
            if (c.length() > NAME_MAX) {
                throw new KernelError(Errno.ENAMETOOLONG, "path component longer than " + NAME_MAX + " bytes");
            }
            if (c.equals("..")) {
                if (!out.isEmpty()) {
                    out.remove(out.size() - 1);
                }
                continue;
            }
            out.add(c);
        }
        return out;
    }

    static String join(List<String> p) {
        return "/" + String.join("/", p);
    }

    private static String parentPathOf(List<String> p) {
        return join(p.subList(0, Math.max(0, p.size() - 1)));
    }

    private boolean isMounted() {
        return state.mounted;
    }

    private boolean exists(List<String> p) {
        try {
            resolve(p);
            return true;
        } catch (KernelError e) {
            return false;
        }
    }

    private Optional<Tx> txByName(String name) {
        if (!name.startsWith("tx_")) {
            return Optional.empty();
        }
        try {
            return Optional.ofNullable(state.transactions.get(Integer.parseInt(name.substring(3))));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    // ---------------------------------------------------------------- virtual file system

    private interface VNode {}

    @FunctionalInterface
    private interface Children {
        List<String> get();
    }

    @FunctionalInterface
    private interface Reader {
        byte[] read() throws KernelError;
    }

    @FunctionalInterface
    private interface Writer {
        void write(long offset, byte[] data) throws KernelError;
    }

    private record Dir(Children children) implements VNode {}

    private record File(Reader reader, Writer writer) implements VNode {}

    private static Dir dir(String... names) {
        List<String> n = List.of(names);
        return new Dir(() -> n);
    }

    private static byte[] text(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** A kernfs attribute without a write op: write() gets EINVAL. */
    private static File kernfsReadOnly(Reader r) {
        return new File(r, (off, d) -> {
            throw new KernelError(Errno.EINVAL, "this attribute has no write operation");
        });
    }

    /** A procfs file without a write op: write() gets EIO. */
    private static File procReadOnly(Reader r) {
        return new File(r, (off, d) -> {
            throw new KernelError(Errno.EIO, "this /proc file cannot be written");
        });
    }

    /** Walks the tree; ENOENT for a missing name, ENOTDIR when a file sits in the way. */
    private VNode resolve(List<String> p) throws KernelError {
        VNode node = root();
        for (int i = 0; i < p.size(); i++) {
            if (!(node instanceof Dir)) {
                throw new KernelError(Errno.ENOTDIR, join(p.subList(0, i)) + " is not a directory");
            }
            node = child(p.subList(0, i), p.get(i));
            if (node == null) {
                throw new KernelError(Errno.ENOENT, join(p.subList(0, i + 1)) + " does not exist");
            }
        }
        return node;
    }

    private VNode root() {
        return dir("proc", "sys");
    }

    /** The child {@code name} of directory {@code parent}, or null. */
    private VNode child(List<String> parent, String name) throws KernelError {
        String at = join(parent);
        switch (at) {
            case "/":
                return switch (name) {
                    case "proc" -> dir("cmdline", "cpuinfo", "iomem", "kimage", "mounts", "sys");
                    case "sys" -> dir("devices", "fs");
                    default -> null;
                };
            case "/proc":
                return switch (name) {
                    case "cmdline" -> procReadOnly(() -> text(topology.kernelCommandLine() + "\n"));
                    case "cpuinfo" -> procReadOnly(() -> text(cpuinfo()));
                    case "iomem" -> procReadOnly(() -> text(iomem()));
                    case "kimage" -> procReadOnly(() -> text(kimage()));
                    case "mounts" -> procReadOnly(() -> text(mounts()));
                    case "sys" -> dir("kernel");
                    default -> null;
                };
            case "/proc/sys":
                return name.equals("kernel") ? dir("osrelease", "random") : null;
            case "/proc/sys/kernel":
                return switch (name) {
                    case "random" -> dir("boot_id");
                    case "osrelease" -> procReadOnly(() -> text(KERNEL_RELEASE + "\n"));
                    default -> null;
                };
            case "/proc/sys/kernel/random":
                return name.equals("boot_id") ? procReadOnly(() -> text(bootId + "\n")) : null;
            case "/sys":
                return switch (name) {
                    case "devices" -> dir("system");
                    case "fs" -> dir("multikernel");
                    default -> null;
                };
            case "/sys/devices":
                return name.equals("system") ? dir("cpu") : null;
            case "/sys/devices/system":
                return name.equals("cpu") ? new Dir(this::cpuDirNames) : null;
            case "/sys/devices/system/cpu":
                return cpuChild(name);
            case "/sys/fs":
                return name.equals("multikernel") ? new Dir(this::mountPointNames) : null;
            default:
                break;
        }
        if (parent.size() == 5 && at.startsWith("/sys/devices/system/cpu/cpu")) {
            return cpuOnlineFile(parent.get(4), name);
        }
        if (at.equals(MOUNT_POINT) || at.startsWith(MOUNT_POINT + "/")) {
            return isMounted() ? mkChild(parent.subList(3, parent.size()), name) : null;
        }
        return null;
    }

    private List<String> mountPointNames() {
        if (!isMounted()) {
            return List.of();
        }
        return generation == InterfaceGeneration.CURRENT
                ? List.of("device_tree", "instances", "overlays")
                : List.of("device_tree", "instances");
    }

    /** A child inside the mounted multikernel fs; {@code rel} is the path below the mount point. */
    private VNode mkChild(List<String> rel, String name) throws KernelError {
        if (rel.isEmpty()) {
            return switch (name) {
                case "device_tree" -> new File(this::readRootDeviceTree, this::writeRootDeviceTree);
                case "instances" -> new Dir(() -> new ArrayList<>(state.instances.keySet()));
                case "overlays" -> generation == InterfaceGeneration.CURRENT ? new Dir(this::overlayNames) : null;
                default -> null;
            };
        }
        if (rel.size() == 1 && rel.get(0).equals("instances")) {
            Instance inst = state.instances.get(name);
            if (inst == null) {
                return null;
            }
            return generation == InterfaceGeneration.CURRENT
                    ? dir("device_tree", "id", "status")
                    : dir("device_tree_source", "id", "status");
        }
        if (rel.size() == 2 && rel.get(0).equals("instances")) {
            Instance inst = state.instances.get(rel.get(1));
            if (inst == null) {
                return null;
            }
            return switch (name) {
                case "id" -> kernfsReadOnly(() -> text(inst.id + "\n"));
                case "status" -> kernfsReadOnly(() -> text(inst.state.text + "\n"));
                case "device_tree" ->
                    generation == InterfaceGeneration.CURRENT
                            ? kernfsReadOnly(() -> current.instanceDeviceTree(inst))
                            : null;
                case "device_tree_source" ->
                    generation == InterfaceGeneration.RFC_V2
                            ? kernfsReadOnly(() -> text(v2.deviceTreeSource(inst)))
                            : null;
                default -> null;
            };
        }
        if (generation == InterfaceGeneration.CURRENT
                && rel.size() == 1
                && rel.get(0).equals("overlays")) {
            if (name.equals("new")) {
                return new File(
                        () -> {
                            throw new KernelError(Errno.EINVAL, "overlays/new is write-only");
                        },
                        (off, data) -> current.writeOverlay(state, off, data));
            }
            Optional<Tx> tx = txByName(name);
            if (tx.isEmpty() || !name.equals("tx_" + tx.get().id)) {
                return null;
            }
            return dir("dtbo", "id", "instance", "resources", "status");
        }
        if (generation == InterfaceGeneration.CURRENT
                && rel.size() == 2
                && rel.get(0).equals("overlays")) {
            Optional<Tx> found = txByName(rel.get(1));
            if (found.isEmpty()) {
                return null;
            }
            Tx tx = found.get();
            return switch (name) {
                case "id" -> kernfsReadOnly(() -> text(tx.id + "\n"));
                case "status" -> kernfsReadOnly(() -> text(tx.status + "\n"));
                case "instance" -> kernfsReadOnly(() -> text(tx.instance + "\n"));
                case "resources" -> kernfsReadOnly(() -> text(tx.resources + "\n"));
                case "dtbo" -> kernfsReadOnly(tx.dtbo::clone);
                default -> null;
            };
        }
        return null;
    }

    private List<String> overlayNames() {
        List<String> names = new ArrayList<>();
        names.add("new");
        state.transactions.keySet().forEach(id -> names.add("tx_" + id));
        return names;
    }

    private byte[] readRootDeviceTree() {
        return generation == InterfaceGeneration.CURRENT ? current.rootDeviceTree(state) : text(RfcV2Tree.PLACEHOLDER);
    }

    private void writeRootDeviceTree(long offset, byte[] data) throws KernelError {
        if (generation == InterfaceGeneration.CURRENT) {
            current.writeBaseline(state, data);
        } else {
            v2.writeDeviceTree(state, v2Pool, data);
        }
    }

    // ---------------------------------------------------------------- CPUs seen by the host

    /** Logical CPUs the host kernel has offline: pool members (current) or offlined CPUs (v2). */
    private Set<Integer> offlineCpus() {
        Set<Integer> off = new TreeSet<>();
        if (generation == InterfaceGeneration.CURRENT) {
            for (long apic : CurrentTree.poolMembers(state)) {
                topology.cpuByApicId(apic).ifPresent(c -> off.add(c.logicalId()));
            }
        } else {
            off.addAll(state.v2OfflineCpus);
        }
        return off;
    }

    private List<String> cpuDirNames() {
        List<String> names = new ArrayList<>(List.of("offline", "online"));
        topology.cpus().forEach(c -> names.add("cpu" + c.logicalId()));
        return names;
    }

    private VNode cpuChild(String name) {
        switch (name) {
            case "online" -> {
                return kernfsReadOnly(() -> {
                    Set<Integer> on = new TreeSet<>();
                    topology.cpus().forEach(c -> on.add(c.logicalId()));
                    on.removeAll(offlineCpus());
                    return text(cpuList(on) + "\n");
                });
            }
            case "offline" -> {
                return kernfsReadOnly(() -> text(cpuList(offlineCpus()) + "\n"));
            }
            default -> {
                if (name.startsWith("cpu")) {
                    try {
                        int id = Integer.parseInt(name.substring(3));
                        if (topology.cpuByLogicalId(id).isPresent() && name.equals("cpu" + id)) {
                            // cpuN/nodeM names the CPU's NUMA node (a link in real sysfs).
                            String node =
                                    "node" + topology.cpuByLogicalId(id).get().numaNode();
                            return new Dir(() -> id == 0 ? List.of(node) : List.of(node, "online"));
                        }
                    } catch (NumberFormatException e) {
                        return null;
                    }
                }
                return null;
            }
        }
    }

    private VNode cpuOnlineFile(String cpuDir, String name) {
        int id = Integer.parseInt(cpuDir.substring(3));
        if (name.equals("node"
                + topology.cpuByLogicalId(id).map(HostTopology.Cpu::numaNode).orElse(-1))) {
            return new Dir(List::of);
        }
        if (id == 0 || !name.equals("online")) {
            return null; // the boot CPU has no online attribute
        }
        return kernfsReadOnly(() -> text((offlineCpus().contains(id) ? "0" : "1") + "\n"));
    }

    /**
     * /proc/cpuinfo, reduced to the fields tools read to map logical CPUs to APIC ids and packages
     * (x86 prints "processor", "physical id", "core id", "apicid" and "initial apicid" per CPU).
     * Like the real file it lists online CPUs only: CPUs handed to the pool are offline and absent.
     */
    private String cpuinfo() {
        StringBuilder sb = new StringBuilder();
        Set<Integer> offline = offlineCpus();
        for (HostTopology.Cpu c : topology.cpus()) {
            if (offline.contains(c.logicalId())) {
                continue;
            }
            sb.append("processor\t: ")
                    .append(c.logicalId())
                    .append('\n')
                    .append("vendor_id\t: GenuineIntel\n")
                    .append("model name\t: Simulated multikernel CPU\n")
                    .append("physical id\t: ")
                    .append(c.numaNode())
                    .append('\n')
                    .append("core id\t\t: ")
                    .append(c.logicalId())
                    .append('\n')
                    .append("apicid\t\t: ")
                    .append(c.apicId())
                    .append('\n')
                    .append("initial apicid\t: ")
                    .append(c.apicId())
                    .append('\n')
                    .append('\n');
        }
        return sb.toString();
    }

    /** Kernel cpulist format ("0-1,4-7"). */
    static String cpuList(Set<Integer> cpus) {
        StringBuilder sb = new StringBuilder();
        Integer start = null;
        Integer prev = null;
        for (int c : new TreeSet<>(cpus)) {
            if (start == null) {
                start = c;
            } else if (c != prev + 1) {
                appendRange(sb, start, prev);
                start = c;
            }
            prev = c;
        }
        if (start != null) {
            appendRange(sb, start, prev);
        }
        return sb.toString();
    }

    private static void appendRange(StringBuilder sb, int a, int b) {
        if (sb.length() > 0) {
            sb.append(',');
        }
        sb.append(a);
        if (b != a) {
            sb.append('-').append(b);
        }
    }

    // ---------------------------------------------------------------- /proc files

    /** /proc/kimage (reference §4 "/proc/kimage"): header, then one row per image or "No kimages loaded". */
    private String kimage() {
        List<Kimage> images = new ArrayList<>(state.plainImages);
        for (Instance i : state.instances.values()) {
            if (i.kimage != null) {
                images.add(i.kimage);
            }
        }
        images.sort(Comparator.comparingLong(k -> k.sequence));
        StringBuilder sb = new StringBuilder();
        sb.append("MK_ID  Type        Start Address   Segments\n");
        sb.append("-----  ----------  --------------  --------\n");
        if (images.isEmpty()) {
            sb.append("No kimages loaded\n");
        }
        for (Kimage k : images) {
            sb.append(String.format("%5d  %-10s  0x%012x  %8d\n", k.mkId, k.type, k.start, k.segments.size()));
        }
        return sb.toString();
    }

    private String iomem() {
        List<Chunk> chunks = new ArrayList<>();
        if (generation == InterfaceGeneration.CURRENT) {
            if (state.pool != null) {
                chunks.addAll(state.pool.chunks);
            }
        } else {
            v2Pool.ifPresent(chunks::add);
        }
        return memoryMap.iomem(chunks, state.instances.values());
    }

    private String mounts() {
        StringBuilder sb = new StringBuilder();
        sb.append("sysfs /sys sysfs rw,nosuid,nodev,noexec,relatime 0 0\n");
        sb.append("proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0\n");
        if (isMounted()) {
            sb.append("none /sys/fs/multikernel multikernel rw,relatime 0 0\n");
        }
        return sb.toString();
    }
}
