package dev.multikernel.sim.cli;

import dev.multikernel.sim.kernel.InterfaceGeneration;

/** Which interface generation each started host speaks. */
public enum GenerationChoice {
    CURRENT("current"),
    RFC_V2("rfc-v2"),
    /** Alternating: host 1 current, host 2 RFC v2, host 3 current, ... */
    MIXED("mixed");

    private final String label;

    GenerationChoice(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** The generation of the host at {@code index} (0-based). */
    public InterfaceGeneration forHost(int index) {
        return switch (this) {
            case CURRENT -> InterfaceGeneration.CURRENT;
            case RFC_V2 -> InterfaceGeneration.RFC_V2;
            case MIXED -> index % 2 == 0 ? InterfaceGeneration.CURRENT : InterfaceGeneration.RFC_V2;
        };
    }

    /** Accepts {@code current}, {@code rfc-v2} (or {@code rfc_v2}) and {@code mixed}, any case. */
    public static GenerationChoice parse(String text) {
        String t = text.strip().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
        for (GenerationChoice c : values()) {
            if (c.label.equals(t)) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown generation '" + text + "'; use current, rfc-v2 or mixed");
    }

    /** The label used in files and output for one host's generation. */
    public static String label(InterfaceGeneration generation) {
        return switch (generation) {
            case CURRENT -> "current";
            case RFC_V2 -> "rfc-v2";
        };
    }
}
