package dev.multikernel.host.devicetree.multikernel;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A PCI function address as the multikernel trees write it in {@code pci-id}: {@code
 * "DDDD:BB:SS.F"} (§2).
 *
 * @param domain PCI segment, 0..0xffff
 * @param bus bus number, 0..0xff
 * @param device device (slot), 0..0x1f
 * @param function function, 0..7
 */
public record PciAddress(int domain, int bus, int device, int function) {
    private static final Pattern FORMAT =
            Pattern.compile("([0-9a-fA-F]{4}):([0-9a-fA-F]{2}):([0-9a-fA-F]{2})\\.([0-7])");

    public PciAddress {
        if (domain < 0
                || domain > 0xffff
                || bus < 0
                || bus > 0xff
                || device < 0
                || device > 0x1f
                || function < 0
                || function > 7) {
            throw new IllegalArgumentException(String.format(
                    "PCI address out of range: domain %d, bus %d, device %d, function %d",
                    domain, bus, device, function));
        }
    }

    /**
     * Parses {@code "DDDD:BB:SS.F"} (hex, exactly that many digits).
     *
     * @throws IllegalArgumentException if the text is not in that form
     */
    public static PciAddress parse(String text) {
        Matcher m = FORMAT.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException(
                    "PCI address \"" + text + "\" is not of the form DDDD:BB:SS.F (hex digits, e.g. 0000:09:00.0)");
        }
        return new PciAddress(
                Integer.parseInt(m.group(1), 16),
                Integer.parseInt(m.group(2), 16),
                Integer.parseInt(m.group(3), 16),
                Integer.parseInt(m.group(4), 16));
    }

    /** {@code "DDDD:BB:SS.F"} in lower-case hex. */
    @Override
    public String toString() {
        return String.format("%04x:%02x:%02x.%x", domain, bus, device, function);
    }
}
