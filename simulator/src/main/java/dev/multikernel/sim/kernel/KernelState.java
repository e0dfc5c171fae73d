package dev.multikernel.sim.kernel;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Everything the simulated kernel remembers between calls, in a shape Jackson can persist.
 * Mutable on purpose and package-private: only {@link KernelModel} touches it, under its lock.
 * A simulated host reboot replaces the whole object.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
final class KernelState {
    /** Is the multikernel filesystem mounted on /sys/fs/multikernel? (reference §1 "Common") */
    public boolean mounted;

    // ---------------------------------------------------------------- current tree
    /** Null until a baseline creates the pool (baseline.c keeps mk_pool NULL until then). */
    public Pool pool;
    /** Instances by name, in creation order. */
    public Map<String, Instance> instances = new LinkedHashMap<>();
    /** Overlay transactions by id. */
    public TreeMap<Integer, Tx> transactions = new TreeMap<>();
    /** Last transaction id handed out; the kernel increments before use, so the first tx is 2. */
    public int lastTxId = 1;

    // ---------------------------------------------------------------- kexec
    /** Loaded non-multikernel images: "default" and/or "crash". */
    public List<Kimage> plainImages = new ArrayList<>();
    /** RFC v2 keeps one kexec_image slot: the mk id of the multikernel image in it, or 0. */
    public int v2SlotMkId;
    /** Order in which images were loaded (mk ids; 0 stands for plain images), for /proc/kimage. */
    public long loadSequence;

    // ---------------------------------------------------------------- RFC v2
    /** Logical CPUs taken offline by RFC v2 instance creation (never brought back, reference §1). */
    public List<Integer> v2OfflineCpus = new ArrayList<>();

    @JsonIgnoreProperties(ignoreUnknown = true)
    static final class Pool {
        /** Free pool CPUs (physical ids), i.e. cpus-available. */
        public List<Long> freeCpus = new ArrayList<>();
        /** Contiguous memory chunks, in the order they were added. */
        public List<Chunk> chunks = new ArrayList<>();
        /** Free pool PCI devices. */
        public List<Device> freeDevices = new ArrayList<>();
        /** Platform devices named by the baseline. */
        public List<PlatformDevice> platformDevices = new ArrayList<>();
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    static final class Chunk {
        public long base;
        public long size;
        public int node;

        Chunk() {}

        Chunk(long base, long size, int node) {
            this.base = base;
            this.size = size;
            this.node = node;
        }

        long end() {
            return base + size;
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    static final class Region {
        public long base;
        public long size;

        Region() {}

        Region(long base, long size) {
            this.base = base;
            this.size = size;
        }

        long end() {
            return base + size;
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    static final class Device {
        /** "dddd:bb:ss.f" */
        public String pciId;

        public int vendor;
        public int device;
        /** Name from /aliases or the overlay's alias property; "" if none. */
        public String alias = "";
        /** driver requested by an instance device-add, "" if none. */
        public String driver = "";

        Device() {}

        Device(String pciId, int vendor, int device, String alias) {
            this.pciId = pciId;
            this.vendor = vendor;
            this.device = device;
            this.alias = alias;
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    static final class PlatformDevice {
        public String name = "";
        public String hid = "";
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    static final class Instance {
        public String name;
        public int id;
        public InstanceStatus state = InstanceStatus.READY;
        /** Physical (APIC) ids in the current tree, logical CPU numbers in RFC v2. */
        public List<Long> cpus = new ArrayList<>();

        public List<Region> memory = new ArrayList<>();
        /** Index of the next iomem region name (mk-instance-ID-NAME-region-N). */
        public int nextRegionIndex;

        public List<Integer> regionIndexes = new ArrayList<>();
        public int numaNode = -1;
        public List<Device> devices = new ArrayList<>();
        public List<PlatformDevice> platformDevices = new ArrayList<>();
        /** Current tree: the chosen/multikernel,host-tree subtree as a DTB, if given. */
        public byte[] hostTree;
        /** RFC v2: the per-instance DTB extracted at creation. */
        public byte[] v2Dtb;
        /** RFC v2: logical CPUs that could not be taken offline (still online). */
        public List<Integer> v2OnlineCpus = new ArrayList<>();

        public Kimage kimage;

        Optional<Kimage> image() {
            return Optional.ofNullable(kimage);
        }

        long memoryBytes() {
            return memory.stream().mapToLong(r -> r.size).sum();
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    static final class Kimage {
        public int mkId;
        /** default, crash or multikernel */
        public String type;

        public long start;
        public List<Region> segments = new ArrayList<>();
        public String kernelPath;
        public long kernelSize;
        public String initrdPath = "";
        public String cmdline = "";
        public long sequence;
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    static final class Tx {
        public int id;
        public String status;
        public String instance;
        public String resources;
        public byte[] dtbo;
    }

    /** Instance states of both generations (reference §1 "State changes"). */
    enum InstanceStatus {
        EMPTY("empty"),
        READY("ready"),
        LOADING("loading"),
        LOADED("loaded"),
        ACTIVE("active"),
        FAILED("failed");

        final String text;

        InstanceStatus(String text) {
            this.text = text;
        }
    }
}
