package dev.multikernel.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.multikernel.acceptance.harness.OutOfBand;
import dev.multikernel.acceptance.harness.SimulatedFleet;
import dev.multikernel.acceptance.harness.Workspace;
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
 * reader makes: the host addresses (user@10.0.0.5 and such) point at the simulated host, and
 * kernel and initrd paths at images that exist there.
 */
class ExamplesIT {
    static final Path EXAMPLES = Path.of(System.getProperty("examples.dir", "../examples"));
    static final List<String> RESOURCES = List.of("multikernel_pool", "multikernel_instance", "multikernel_overlay");

    /** A quoted host address as examples write them: optional user@, an IPv4 address or a name, optional port. */
    static final Pattern HOST = Pattern.compile(
            "\"(?:[a-z_][a-z0-9_-]*@)?(?:\\d{1,3}(?:\\.\\d{1,3}){3}|[a-z0-9-]+(?:\\.[a-z0-9-]+)*\\.example\\.com)(?::\\d+)?\"");
    static final Pattern KERNEL = Pattern.compile("(\\bkernel\\s*=\\s*)\"[^\"]*\"");
    static final Pattern INITRD = Pattern.compile("(\\binitrd\\s*=\\s*)\"[^\"]*\"");

    @RegisterExtension
    static final SimulatedFleet FLEET = SimulatedFleet.builder().current("ex1").rfcV2("exv2").build();

    @Test
    void everyResourceHasAnExampleForTheDocs() {
        for (String r : RESOURCES) {
            assertThat(EXAMPLES.resolve("resources").resolve(r).resolve("resource.tf")).as(r).isRegularFile();
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
        return dirs.stream().map(d -> DynamicTest.dynamicTest(EXAMPLES.relativize(d).toString(), () -> applies(d)));
    }

    static void applies(Path exampleDir) throws IOException {
        FLEET.resetAll();
        boolean v2 = exampleDir.getFileName().toString().contains("v2");
        String host = v2 ? "exv2" : "ex1";
        String address = FLEET.address(host);
        StringBuilder hcl = new StringBuilder();
        try (Stream<Path> files = Files.list(exampleDir)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".tf")).sorted().toList()) {
                hcl.append(Files.readString(f)).append('\n');
            }
        }
        String example = rewrite(hcl.toString(), address);
        if (example.contains("resource \"multikernel_instance\"") && !example.contains("resource \"multikernel_pool\"")
                && !v2) {
            // the example assumes a pool exists: make one, as its reader would have
            OutOfBand oob = FLEET.outOfBand(host);
            oob.createPool(List.of(1, 2, 3, 4, 5, 6, 7), 2L << 30, 0);
        }
        String header = (example.contains("required_providers") ? "" : SimulatedFleet.terraformBlock())
                + FLEET.providerConfig(FLEET.knownHosts());
        Workspace ws = FLEET.workspace("example-" + exampleDir.getFileName()).rawMain(header + example);
        TerraformCli.Result apply = ws.apply();
        assertThat(apply.exitCode()).as(apply.toString()).isZero();
        TerraformCli.Result plan = ws.detailedPlan();
        assertThat(plan.exitCode()).as(plan.toString()).isZero();
        if (!ws.state().managedAddresses().isEmpty()) {
            TerraformCli.Result destroy = ws.destroy();
            assertThat(destroy.exitCode()).as(destroy.toString()).isZero();
        }
    }

    static String rewrite(String hcl, String address) {
        String out = HOST.matcher(hcl).replaceAll(Matcher.quoteReplacement("\"" + address + "\""));
        out = KERNEL.matcher(out).replaceAll("$1" + Matcher.quoteReplacement("\"" + FLEET.kernelImage() + "\""));
        out = INITRD.matcher(out).replaceAll("$1" + Matcher.quoteReplacement("\"" + FLEET.initrd() + "\""));
        return out;
    }
}
