package dev.multikernel.sim.kernel;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** SKELETON: the real implementation follows. */
public final class KernelModel implements AutoCloseable {
    private final HostTopology topology;
    private final InterfaceGeneration generation;
    private final FaultInjector faults = new FaultInjector();
    private String bootId = java.util.UUID.randomUUID().toString();

    private KernelModel(HostTopology topology, InterfaceGeneration generation) {
        this.topology = topology;
        this.generation = generation;
    }

    public static KernelModel open(Path stateDir, HostTopology topology, InterfaceGeneration generation)
            throws IOException {
        return new KernelModel(topology, generation);
    }

    public String bootId() { return bootId; }
    public InterfaceGeneration generation() { return generation; }
    public HostTopology topology() { return topology; }
    public FaultInjector faults() { return faults; }
    public void rebootHost() { bootId = java.util.UUID.randomUUID().toString(); }
    public List<String> kernelLog() { return List.of(); }

    public byte[] read(String path) throws KernelError { throw todo(); }
    public void write(String path, byte[] data) throws KernelError { write(path, 0, data); }
    public void write(String path, long offset, byte[] data) throws KernelError { throw todo(); }
    public List<String> list(String dir) throws KernelError { throw todo(); }
    public void mkdir(String path) throws KernelError { throw todo(); }
    public void rmdir(String path) throws KernelError { throw todo(); }
    public void mount(String source, String target, String fsType, long flags, String data) throws KernelError { throw todo(); }
    public void kexecFileLoad(Path kernel, Optional<Path> initrd, String cmdline, long flags) throws KernelError { throw todo(); }
    public void kexecFileLoad(Optional<Path> kernel, Optional<Path> initrd, byte[] cmdline, long flags) throws KernelError { throw todo(); }
    public void kexecFileUnload(long flags) throws KernelError { throw todo(); }
    public void reboot(int magic1, int magic2, int cmd, long arg) throws KernelError { throw todo(); }

    private static KernelError todo() { return new KernelError(Errno.ENOSYS, "not implemented yet"); }

    @Override
    public void close() {}
}
