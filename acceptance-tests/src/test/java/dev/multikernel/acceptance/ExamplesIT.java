package dev.multikernel.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.multikernel.acceptance.harness.OutOfBand;
import dev.multikernel.acceptance.harness.SimulatedFleet;
import dev.multikernel.acceptance.harness.Workspace;
import dev.multikernel.host.devicetree.multikernel.InstanceTree;
import dev.multikernel.host.devicetree.multikernel.MemoryRequest;
import dev.multikernel.host.devicetree.multikernel.PoolTree;
import dev.multikernel.host.state.HostState;
import dev.multikernel.sim.kernel.InterfaceGeneration;
import dev.tfjvm.testing.TerraformCli;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every example the registry docs show (examples/resources/*, examples/data-sources/*,
 * examples/functions/*) applied as written against a simulated host, then planned again:
 * {@code plan -detailed-exitcode} must exit 0. The only changes made to an example are the ones a
 * reader makes: the host addresses (user@10.0.0.5 and such) point at simulated hosts, kernel and
 * initrd paths at images that exist there, and a memory chunk base at one the pool has. What an
 * example takes for granted (a pool, an instance to change) is made out of band first. The
 * resource examples' import.sh commands are run too.
 */
class ExamplesIT {
    static final Path EXAMPLES = Path.of(System.getProperty("examples.dir", "../examples"));
    static final List<String> RESOURCES = List.of("multikernel_pool", "multikernel_instance", "multikernel_overlay");

    /**
     * A quoted host address as examples write them: optional user@, an IPv4 address, optional port.
     * The docs' convention: 10.0.0.5 is a current-tree host, 10.0.0.6 an RFC v2 host.
     */
    static final Pattern HOST = Pattern.compile("\"(?:[a-z_][a-z0-9_-]*@)?(\\d{1,3}(?:\\.\\d{1,3}){3})(?::\\d+)?\"");

    static final Pattern KERNEL = Pattern.compile("(\\bkernel\\s*=\\s*)\"[^\"]*\"");
    static final Pattern INITRD = Pattern.compile("(\\binitrd\\s*=\\s*)\"[^\"]*\"");
    static final Pattern IMPORT = Pattern.compile("terraform import (\\S+) (\\S+)");
    /** An import block of an import.tf: its {@code to} and {@code id}. */
    static final Pattern IMPORT_BLOCK =
            Pattern.compile("import\\s*\\{\\s*to\\s*=\\s*(\\S+)\\s+id\\s*=\\s*\"([^\"]+)\"\\s*}");
    /** An import id: optional user@, the IPv4 address, optional :suffix (name or transaction number). */
    static final Pattern IMPORT_ID = Pattern.compile("(?:[a-z_][a-z0-9_-]*@)?(\\d{1,3}(?:\\.\\d{1,3}){3})(?::(\\S+))?");

    static final Pattern BASE = Pattern.compile("(\\bbase\\s*=\\s*)\"0x[0-9a-fA-F]+\"");

    @RegisterExtension
    static final SimulatedFleet FLEET = SimulatedFleet.builder()
            .host("ex5", InterfaceGeneration.CURRENT, SimulatedFleet.largeTopology())
            .host("ex6", InterfaceGeneration.RFC_V2, SimulatedFleet.largeTopology())
            .host("ex7", InterfaceGeneration.CURRENT, SimulatedFleet.largeTopology())
            .build();

    static String simulatedHostFor(String ip) {
        return switch (ip) {
            case "10.0.0.5" -> "ex5";
            case "10.0.0.6" -> "ex6";
            default -> "ex7";
        };
    }

    @Test
    void everyResourceHasAnExampleForTheDocs() {
        for (String r : RESOURCES) {
            assertThat(EXAMPLES.resolve("resources").resolve(r).resolve("resource.tf"))
                    .as(r)
                    .isRegularFile();
        }
    }

    @TestFactory
    Stream<DynamicTest> everyExampleAppliesAndThenPlansNoChanges() throws IOException {
        List<Path> dirs = new ArrayList<>();
        for (String kind : List.of("resources", "data-sources", "functions")) {
            Path root = EXAMPLES.resolve(kind);
            if (Files.isDirectory(root)) {
                try (Stream<Path> s = Files.list(root)) {
                    s.filter(Files::isDirectory).sorted().forEach(dirs::add);
                }
            }
        }
        assertThat(dirs).as("examples under " + EXAMPLES.toAbsolutePath()).isNotEmpty();
        return dirs.stream()
                .map(d -> DynamicTest.dynamicTest(EXAMPLES.relativize(d).toString(), () -> applies(d)));
    }

    static void applies(Path exampleDir) throws IOException {
        FLEET.resetAll();
        StringBuilder hcl = new StringBuilder();
        try (Stream<Path> files = Files.list(exampleDir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".tf"))
                    .filter(p -> !p.getFileName().toString().equals("import.tf"))
                    .sorted()
                    .toList()) {
                hcl.append(Files.readString(f)).append('\n');
            }
        }
        String example =
                rewrite(hcl.toString(), preconditions(exampleDir.getFileName().toString()));
        String header = (example.contains("required_providers") ? "" : SimulatedFleet.terraformBlock())
                + FLEET.providerConfig(FLEET.knownHosts());
        Workspace ws = FLEET.workspace("example-" + exampleDir.getFileName()).rawMain(header + example);
        TerraformCli.Result apply = ws.apply();
        assertThat(apply.exitCode()).as(apply.toString()).isZero();
        TerraformCli.Result plan = ws.detailedPlan();
        assertThat(plan.exitCode()).as(plan.toString()).isZero();
        importsAsDocumented(exampleDir, ws);
        if (!ws.state().managedAddresses().isEmpty()) {
            TerraformCli.Result destroy = ws.destroy();
            assertThat(destroy.exitCode()).as(destroy.toString()).isZero();
        }
    }

    /**
     * What an example takes for granted on host 10.0.0.5, made out of band as its reader's host would
     * have it. Returns the base of a pool memory chunk no instance uses, for examples that name one.
     */
    static String preconditions(String example) {
        OutOfBand oob = FLEET.outOfBand("ex5");
        long gib = 1L << 30;
        switch (example) {
            case "multikernel_instance" ->
                oob.createPool(
                        range(1, 15),
                        List.of(MemoryRequest.of(4 * gib, 0), MemoryRequest.of(gib, 1)),
                        List.of("0000:03:00.0"));
            case "multikernel_overlay" -> {
                oob.createPool(
                        range(1, 5),
                        List.of(MemoryRequest.of(gib, 0), MemoryRequest.of(gib, 0)),
                        List.of("0000:03:00.0"));
                oob.createInstance("web", 1, List.of(4), 64L << 20);
            }
            default -> {
                return "";
            }
        }
        HostState s = oob.state();
        List<InstanceTree> trees = s.instances().stream()
                .flatMap(i -> i.deviceTree().flatMap(t -> t.value()).stream())
                .toList();
        PoolTree pool = s.pool().orElseThrow().deviceTree().value().orElseThrow();
        return pool.chunks().stream()
                .filter(c -> trees.stream()
                        .noneMatch(t -> t.memoryBase() >= c.base() && t.memoryBase() < c.base() + c.size()))
                .map(c -> "0x" + Long.toHexString(c.base()))
                .findFirst()
                .orElse("");
    }

    /**
     * The example's import.sh, run against what the example made: each resource it names is removed
     * from state and imported with the documented command (host rewritten; an overlay's
     * transaction number is the one the example's apply got), and comes back as it was.
     */
    static void importsAsDocumented(Path exampleDir, Workspace ws) throws IOException {
        Path script = exampleDir.resolve("import.sh");
        if (!Files.exists(script)) {
            return;
        }
        int imported = 0;
        for (String line : Files.readAllLines(script)) {
            Matcher im = IMPORT.matcher(line.strip());
            if (!im.matches()) {
                continue;
            }
            importsAsDocumented(ws, script, im.group(1), im.group(2), false);
            imported++;
        }
        assertThat(imported).as("terraform import commands in " + script).isPositive();
        Path blocks = exampleDir.resolve("import.tf");
        if (Files.exists(blocks)) {
            int fromBlocks = 0;
            Matcher b = IMPORT_BLOCK.matcher(Files.readString(blocks));
            while (b.find()) {
                importsAsDocumented(ws, blocks, b.group(1), b.group(2), true);
                fromBlocks++;
            }
            assertThat(fromBlocks).as("import blocks in " + blocks).isPositive();
        }
    }

    /**
     * Removes {@code address} from state and imports it again as {@code documentedId} says (with a
     * {@code terraform import} command, or with an import block applied), checking it comes back
     * as it was.
     */
    static void importsAsDocumented(Workspace ws, Path source, String address, String documentedId, boolean block)
            throws IOException {
        JsonNode before = ws.state().values(address);
        Matcher id = IMPORT_ID.matcher(documentedId);
        assertThat(id.matches())
                .as("import id " + documentedId + " in " + source)
                .isTrue();
        String suffix = id.group(2) == null ? "" : id.group(2);
        if (suffix.matches("\\d+") && before.has("transaction_id")) {
            suffix = before.get("transaction_id").asText();
        }
        String importId = FLEET.address(simulatedHostFor(id.group(1))) + (suffix.isEmpty() ? "" : ":" + suffix);
        Workspace.expect(0, ws.run("state", "rm", "-no-color", address));
        TerraformCli.Result r;
        if (block) {
            ws.file("import.tf", "import {\n  to = " + address + "\n  id = \"" + importId + "\"\n}\n");
            r = ws.apply();
            Files.delete(ws.dir().resolve("import.tf"));
            assertThat(r.stdout()).as(r.toString()).contains("1 imported");
        } else {
            r = ws.importResource(address, importId);
        }
        assertThat(r.exitCode()).as(r.toString()).isZero();
        JsonNode after = ws.state().values(address);
        for (String a : List.of(
                "host",
                "name",
                "cpus",
                "instance_id",
                "transaction_id",
                "physical_cpu_ids",
                "interface_generation",
                "boot_id")) {
            if (before.hasNonNull(a)) {
                assertThat(after.get(a))
                        .as(address + "." + a + " after terraform import " + importId)
                        .isEqualTo(before.get(a));
            }
        }
    }

    static List<Integer> range(int from, int to) {
        return java.util.stream.IntStream.rangeClosed(from, to).boxed().toList();
    }

    static String rewrite(String hcl, String freeChunkBase) {
        Matcher m = HOST.matcher(hcl);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(
                    out, Matcher.quoteReplacement("\"" + FLEET.address(simulatedHostFor(m.group(1))) + "\""));
        }
        m.appendTail(out);
        String s = KERNEL.matcher(out).replaceAll("$1" + Matcher.quoteReplacement("\"" + FLEET.kernelImage() + "\""));
        s = INITRD.matcher(s).replaceAll("$1" + Matcher.quoteReplacement("\"" + FLEET.initrd() + "\""));
        if (!freeChunkBase.isEmpty()) {
            s = BASE.matcher(s).replaceAll("$1" + Matcher.quoteReplacement("\"" + freeChunkBase + "\""));
        }
        return s;
    }
}
