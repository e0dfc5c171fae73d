package dev.multikernel.provider.plan;

import java.util.Objects;
import java.util.Optional;

/**
 * What an instance boots: compared as opaque text (paths or checksums), a change of any of them
 * means loading a new kernel image.
 */
public record BootSpec(String kernel, Optional<String> initrd, String cmdline) {
    public BootSpec {
        Objects.requireNonNull(kernel, "kernel");
        Objects.requireNonNull(initrd, "initrd");
        Objects.requireNonNull(cmdline, "cmdline");
    }

    public static BootSpec of(String kernel, String cmdline) {
        return new BootSpec(kernel, Optional.empty(), cmdline);
    }
}
