package dev.multikernel.host.mkctl;

import dev.multikernel.host.state.HostState;
import dev.multikernel.host.state.InstanceStatus;
import dev.multikernel.host.state.InterfaceGeneration;
import dev.multikernel.host.state.PoolState;
import dev.multikernel.host.state.TransactionStatus;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/** What a successful mkctl operation reported (one record per operation). */
public sealed interface MkctlResult {

    /** {@code version}. */
    record Version(String version, int contract, String mode, String arch) implements MkctlResult {
        /** Whether mkctl talks to a simulator rather than the real kernel. */
        public boolean simulated() {
            return "sim".equals(mode);
        }
    }

    /** {@code state}. */
    record StateRead(HostState state) implements MkctlResult {}

    /** {@code mount}. */
    record Mounted(boolean mounted, boolean alreadyMounted, InterfaceGeneration generation) implements MkctlResult {}

    /**
     * {@code baseline}.
     *
     * @param pool the pool read back; empty if that read failed (then {@code warnings} says why)
     */
    record BaselineApplied(int bytes, Optional<PoolState> pool, List<String> warnings) implements MkctlResult {
        public BaselineApplied {
            warnings = List.copyOf(warnings);
        }
    }

    /** The transaction an overlay write created. */
    record Transaction(int id, TransactionStatus status, String statusText, String instance, String resources) {}

    /** {@code overlay-apply}: the transaction is {@code applied}. */
    record OverlayApplied(int bytes, Transaction transaction, List<String> warnings) implements MkctlResult {
        public OverlayApplied {
            warnings = List.copyOf(warnings);
        }
    }

    /** {@code overlay-remove}. */
    record OverlayRemoved(int id) implements MkctlResult {}

    /** An instance as listed after an RFC v2 write. */
    record V2Instance(String name, OptionalInt id, InstanceStatus status, String statusText) {}

    /** {@code v2-create}: every instance present after the write. */
    record V2Created(int bytes, List<V2Instance> instances) implements MkctlResult {
        public V2Created {
            instances = List.copyOf(instances);
        }
    }

    /** {@code v2-remove}. */
    record V2Removed(String name) implements MkctlResult {}

    /**
     * {@code load}.
     *
     * @param flags  the kexec flags used ({@code 0x30})
     * @param status the instance's status read back; empty if no instance has the id
     */
    record Loaded(int id, String flags, Optional<InstanceStatus> status) implements MkctlResult {}

    /** {@code unload}. */
    record Unloaded(int id, String flags, Optional<InstanceStatus> status) implements MkctlResult {}

    /** {@code exec}: the instance was booted. */
    record Started(int id, Optional<InstanceStatus> status) implements MkctlResult {}

    /**
     * {@code halt}.
     *
     * @param forced whether the force halt was used
     */
    record Halted(int id, boolean forced, Optional<InstanceStatus> status) implements MkctlResult {}
}
