package dev.multikernel.host.mkctl;

import dev.multikernel.host.state.InstanceState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One mkctl operation, runnable alone or inside a {@link MkctlClient#batch batch}. Each knows its
 * command line, its stdin blob and its batch JSON (docs/mkctl.md).
 */
public sealed interface MkctlOperation {

    /** The subcommand name ({@code overlay-apply}, ...). */
    String name();

    /** Options after the subcommand, unquoted. */
    List<String> options();

    /** The blob sent on stdin when run alone. */
    default Optional<byte[]> blob() {
        return Optional.empty();
    }

    /** Whether the operation changes the host (only {@code state} does not). */
    default boolean mutating() {
        return true;
    }

    /** Time the operation itself may take on the host, beyond waiting for the lock. */
    default Duration expectedDuration() {
        return Duration.ofSeconds(60);
    }

    /** The element of a {@code batch} array. */
    Map<String, Object> toBatchJson();

    /** {@code {"op": name, key: value, ...}} in this order, values JDK types (String, Number, Boolean, List). */
    private static Map<String, Object> op(String name, Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("op", name);
        for (int i = 0; i < keysAndValues.length; i += 2) {
            if (keysAndValues[i + 1] != null) {
                m.put((String) keysAndValues[i], keysAndValues[i + 1]);
            }
        }
        return Collections.unmodifiableMap(m);
    }

    private static int checkId(int id) {
        if (id < 1 || id > InstanceState.MAX_ID) {
            throw new IllegalArgumentException(
                    "instance id must be 1.." + InstanceState.MAX_ID + " (the kexec id field), got " + id);
        }
        return id;
    }

    /** {@code mkctl state}. */
    record State() implements MkctlOperation {
        public String name() {
            return "state";
        }

        public List<String> options() {
            return List.of();
        }

        @Override
        public boolean mutating() {
            return false;
        }

        public Map<String, Object> toBatchJson() {
            return op("state");
        }
    }

    /** {@code mkctl mount}. */
    record Mount() implements MkctlOperation {
        public String name() {
            return "mount";
        }

        public List<String> options() {
            return List.of();
        }

        public Map<String, Object> toBatchJson() {
            return op("mount");
        }
    }

    /** {@code mkctl baseline}: write the pool's baseline DTB (current tree, once). */
    record Baseline(Blob dtb) implements MkctlOperation {
        public Baseline {
            Objects.requireNonNull(dtb, "baseline DTB");
        }

        public Baseline(byte[] dtb) {
            this(Blob.of(dtb, "baseline DTB"));
        }

        public String name() {
            return "baseline";
        }

        public List<String> options() {
            return List.of();
        }

        @Override
        public Optional<byte[]> blob() {
            return Optional.of(dtb.bytes());
        }

        public Map<String, Object> toBatchJson() {
            return op("baseline", "blob", dtb.base64());
        }
    }

    /** {@code mkctl overlay-apply}: one overlay transaction. */
    record OverlayApply(Blob dtbo) implements MkctlOperation {
        public OverlayApply {
            Objects.requireNonNull(dtbo, "overlay DTBO");
        }

        public OverlayApply(byte[] dtbo) {
            this(Blob.of(dtbo, "overlay DTBO"));
        }

        public String name() {
            return "overlay-apply";
        }

        public List<String> options() {
            return List.of();
        }

        @Override
        public Optional<byte[]> blob() {
            return Optional.of(dtbo.bytes());
        }

        public Map<String, Object> toBatchJson() {
            return op("overlay-apply", "blob", dtbo.base64());
        }
    }

    /** {@code mkctl overlay-remove --id N}: roll transaction {@code tx_N} back. */
    record OverlayRemove(int id) implements MkctlOperation {
        public OverlayRemove {
            if (id < 0) {
                throw new IllegalArgumentException("transaction id must not be negative, got " + id);
            }
        }

        public String name() {
            return "overlay-remove";
        }

        public List<String> options() {
            return List.of("--id", Integer.toString(id));
        }

        public Map<String, Object> toBatchJson() {
            return op("overlay-remove", "id", id);
        }
    }

    /** {@code mkctl v2-create --expect NAME...}: RFC v2 instance creation (blob at most 4096 bytes). */
    record V2Create(Blob dtb, List<String> expect) implements MkctlOperation {
        public V2Create {
            Objects.requireNonNull(dtb, "RFC v2 device tree");
            if (dtb.length() > 4096) {
                throw new IllegalArgumentException(
                        "an RFC v2 device tree must be at most 4096 bytes (one page), got " + dtb.length());
            }
            expect = List.copyOf(expect);
            expect.forEach(V2Create::checkName);
        }

        public V2Create(byte[] dtb, List<String> expect) {
            this(Blob.of(dtb, "RFC v2 device tree"), expect);
        }

        static void checkName(String name) {
            if (name.isEmpty() || name.contains("/")) {
                throw new IllegalArgumentException("'" + name + "' is not an instance name (non-empty, no '/')");
            }
        }

        public String name() {
            return "v2-create";
        }

        public List<String> options() {
            List<String> o = new ArrayList<>();
            expect.forEach(n -> {
                o.add("--expect");
                o.add(n);
            });
            return o;
        }

        @Override
        public Optional<byte[]> blob() {
            return Optional.of(dtb.bytes());
        }

        public Map<String, Object> toBatchJson() {
            return op("v2-create", "blob", dtb.base64(), "expect", List.copyOf(expect));
        }
    }

    /** {@code mkctl v2-remove --name NAME}. */
    record V2Remove(String instance) implements MkctlOperation {
        public V2Remove {
            V2Create.checkName(instance);
        }

        public String name() {
            return "v2-remove";
        }

        public List<String> options() {
            return List.of("--name", instance);
        }

        public Map<String, Object> toBatchJson() {
            return op("v2-remove", "name", instance);
        }
    }

    /**
     * {@code mkctl load}: {@code kexec_file_load} of a kernel (and initrd) for instance {@code id}.
     *
     * @param kernel  path of the kernel image on the host
     * @param initrd  path of the initrd on the host
     * @param cmdline the instance kernel's command line
     */
    record Load(int id, String kernel, Optional<String> initrd, String cmdline) implements MkctlOperation {
        public Load {
            checkId(id);
            Objects.requireNonNull(kernel, "kernel");
            Objects.requireNonNull(initrd, "initrd");
            Objects.requireNonNull(cmdline, "cmdline");
            if (kernel.isEmpty()) {
                throw new IllegalArgumentException("kernel path must not be empty");
            }
        }

        public String name() {
            return "load";
        }

        public List<String> options() {
            List<String> o = new ArrayList<>(List.of("--id", Integer.toString(id), "--kernel", kernel));
            initrd.ifPresent(i -> {
                o.add("--initrd");
                o.add(i);
            });
            o.add("--cmdline");
            o.add(cmdline);
            return o;
        }

        public Map<String, Object> toBatchJson() {
            return op("load", "id", id, "kernel", kernel, "initrd", initrd.orElse(null), "cmdline", cmdline);
        }
    }

    /** {@code mkctl unload --id N}. */
    record Unload(int id) implements MkctlOperation {
        public Unload {
            checkId(id);
        }

        public String name() {
            return "unload";
        }

        public List<String> options() {
            return List.of("--id", Integer.toString(id));
        }

        public Map<String, Object> toBatchJson() {
            return op("unload", "id", id);
        }
    }

    /** {@code mkctl exec --id N}: boot the loaded instance. */
    record Exec(int id) implements MkctlOperation {
        public Exec {
            checkId(id);
        }

        public String name() {
            return "exec";
        }

        public List<String> options() {
            return List.of("--id", Integer.toString(id));
        }

        public Map<String, Object> toBatchJson() {
            return op("exec", "id", id);
        }
    }

    /**
     * {@code mkctl halt --id N --timeout S [--force|--force-now]}.
     *
     * @param timeout how long the graceful attempt may take (1..600 s)
     */
    record Halt(int id, HaltMode mode, Duration timeout) implements MkctlOperation {
        public Halt {
            checkId(id);
            Objects.requireNonNull(mode, "mode");
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.getSeconds() < 1 || timeout.getSeconds() > 600) {
                throw new IllegalArgumentException("halt timeout must be 1..600 seconds, got " + timeout);
            }
        }

        public String name() {
            return "halt";
        }

        public List<String> options() {
            List<String> o = new ArrayList<>(
                    List.of("--id", Integer.toString(id), "--timeout", Long.toString(timeout.getSeconds())));
            if (mode == HaltMode.GRACEFUL_THEN_FORCE) {
                o.add("--force");
            } else if (mode == HaltMode.FORCE_NOW) {
                o.add("--force-now");
            }
            return o;
        }

        @Override
        public Duration expectedDuration() {
            return timeout.plusSeconds(60);
        }

        public Map<String, Object> toBatchJson() {
            return op(
                    "halt",
                    "id",
                    id,
                    "timeout",
                    timeout.getSeconds(),
                    "force",
                    mode == HaltMode.GRACEFUL_THEN_FORCE,
                    "force_now",
                    mode == HaltMode.FORCE_NOW);
        }
    }
}
