package dev.multikernel.acceptance.harness;

import java.nio.file.Path;

/**
 * Small pieces of HCL for the multikernel resources (docs/design/resources.md), so scenarios read
 * as what they configure. Strings are written as HCL string literals.
 */
public final class Hcl {
    private Hcl() {}

    /** A current-tree pool: CPUs and one memory chunk (on a NUMA node when {@code numaNode >= 0}). */
    public static String pool(String name, String host, String cpus, String memory, int numaNode) {
        String node = numaNode >= 0 ? ", numa_node = " + numaNode : "";
        return """
                resource "multikernel_pool" "%s" {
                  host   = %s
                  cpus   = "%s"
                  memory = [{ size = "%s"%s }]
                }

                """.formatted(name, literal(host), cpus, memory, node);
    }

    /** An RFC v2 pool: the boot-time region (mkkernel_pool=4G on simulated hosts), adopted as it is. */
    public static String v2Pool(String name, String host) {
        return """
                resource "multikernel_pool" "%s" {
                  host   = %s
                  memory = [{ size = "4GiB" }]
                }

                """.formatted(name, literal(host));
    }

    /** The host as a quoted literal, or as an expression when it starts with {@code =}. */
    static String literal(String host) {
        return host.startsWith("=") ? host.substring(1) : "\"" + host + "\"";
    }

    /** An instance; {@code body} holds its other attributes (one per line). */
    public static String instance(String name, String host, String body) {
        return "resource \"multikernel_instance\" \"" + name + "\" {\n  host = " + literal(host) + "\n"
                + body.lines().map(l -> "  " + l + "\n").reduce("", String::concat) + "}\n\n";
    }

    /** {@code kernel = "<path>"}. */
    public static String kernel(Path image) {
        return "kernel = \"" + image + "\"";
    }
}
