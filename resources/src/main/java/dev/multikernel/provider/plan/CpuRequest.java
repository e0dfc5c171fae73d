package dev.multikernel.provider.plan;

import dev.multikernel.provider.values.CpuList;
import java.util.Objects;

/** The CPUs an instance asks for: an explicit list of logical CPUs, or a count and a strategy. */
public sealed interface CpuRequest {
    record Explicit(CpuList cpus) implements CpuRequest {
        public Explicit {
            Objects.requireNonNull(cpus, "cpus");
        }
    }

    record Count(int count, CpuAllocationStrategy strategy) implements CpuRequest {
        public Count {
            Objects.requireNonNull(strategy, "strategy");
        }
    }

    static CpuRequest explicit(CpuList cpus) {
        return new Explicit(cpus);
    }

    static CpuRequest count(int count, CpuAllocationStrategy strategy) {
        return new Count(count, strategy);
    }
}
