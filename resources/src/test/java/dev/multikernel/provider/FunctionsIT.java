package dev.multikernel.provider;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tfjvm.testing.InProcessProvider;
import dev.tfjvm.testing.TerraformCli;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The provider served inside the test JVM in debug mode and the real {@code terraform} attached
 * through TF_REATTACH_PROVIDERS: every example under {@code examples/functions} is applied and
 * its outputs checked, and bad calls fail with a message naming the argument.
 */
class FunctionsIT {
    static final Path EXAMPLES =
            Path.of(System.getProperty("examples.dir", "../examples")).resolve("functions");

    /** What each example's outputs must be, as {@code terraform output -json NAME} prints them. */
    static final Map<String, Map<String, String>> EXPECTED = Map.of(
            "cpulist_expand",
                    outputs(
                            "web_cpus", "[4,5,6,7,10]",
                            "web_cpu_count", "5",
                            "per_cpu_names", "[\"worker-2\",\"worker-3\"]"),
            "cpulist_compact",
                    outputs(
                            "compact", "\"4-7,10\"",
                            "free_cpus", "\"6-7,10-15\""),
            "size_parse",
                    outputs(
                            "instance_memory_bytes", "1610612736",
                            "same_size_in_kerf_spelling", "true",
                            "from_device_tree", "1073741824"),
            "size_format",
                    outputs(
                            "one_gib", "\"1GiB\"",
                            "one_and_a_half_gib", "\"1536MiB\"",
                            "pool_total", "\"2GiB\""));

    @TempDir
    static Path work;

    static InProcessProvider provider;
    static String reattach;

    @BeforeAll
    static void start() throws Exception {
        provider = InProcessProvider.start(new MultikernelProvider(), Main.SOURCE_ADDRESS);
        reattach = provider.reattachJson();
    }

    @AfterAll
    static void stop() {
        provider.close();
    }

    static Stream<String> examples() {
        return EXPECTED.keySet().stream().sorted();
    }

    @Test
    void everyFunctionHasAnExampleAndEveryExampleIsChecked() throws IOException {
        try (Stream<Path> dirs = Files.list(EXAMPLES)) {
            assertThat(dirs.map(d -> d.getFileName().toString()))
                    .containsExactlyInAnyOrderElementsOf(EXPECTED.keySet());
        }
        assertThat(new MultikernelProvider().functions())
                .extracting(f -> f.name())
                .containsExactlyInAnyOrderElementsOf(EXPECTED.keySet());
    }

    @ParameterizedTest
    @MethodSource("examples")
    void exampleAppliesWithTheDocumentedOutputs(String function) throws Exception {
        TerraformCli tf = terraform("example-" + function);
        tf.file("main.tf", Files.readString(EXAMPLES.resolve(function).resolve("function.tf")));
        tf.expect(0, "validate", "-no-color");
        TerraformCli.Result apply = tf.expect(0, "apply", "-no-color", "-auto-approve");
        assertThat(apply.stdout()).contains("Apply complete! Resources: 0 added, 0 changed, 0 destroyed.");
        for (Map.Entry<String, String> output : EXPECTED.get(function).entrySet()) {
            assertThat(tf.expect(0, "output", "-no-color", "-json", output.getKey())
                            .stdout()
                            .strip())
                    .as("output %s of examples/functions/%s", output.getKey(), function)
                    .isEqualTo(output.getValue());
        }
        // Pure functions: planning again changes nothing.
        assertThat(tf.expect(0, "plan", "-no-color", "-detailed-exitcode").stdout())
                .contains("No changes.");
    }

    @Test
    void badCallsFailNamingTheArgumentAndTheFix() throws Exception {
        TerraformCli tf = terraform("bad-calls");
        tf.file("main.tf", header() + """
                output "cpus" {
                  value = provider::multikernel::cpulist_expand("1,7-4")
                }
                """);
        TerraformCli.Result r = tf.expect(1, "plan", "-no-color");
        assertThat(r.errors())
                .contains("Error: Invalid function argument")
                .contains("Invalid value for \"cpulist\" parameter: \"7-4\" in \"1,7-4\": a range must go from low"
                        + " to high, such as \"4-7\".");

        tf.file("main.tf", header() + """
                output "memory" {
                  value = provider::multikernel::size_parse("4 gigs")
                }
                """);
        r = tf.expect(1, "plan", "-no-color");
        assertThat(r.errors())
                .contains("Invalid value for \"size\" parameter: \"4 gigs\": unknown unit \"gigs\"; units (powers of"
                        + " 1024, any letter case): B, K/KB/KiB, M/MB/MiB, G/GB/GiB, T/TB/TiB, P/PB/PiB, E/EB/EiB");

        tf.file("main.tf", header() + """
                output "cpus" {
                  value = provider::multikernel::cpulist_compact([1, 2, 9000])
                }
                """);
        r = tf.expect(1, "plan", "-no-color");
        assertThat(r.errors())
                .contains("Invalid value for \"cpus\" parameter: element 2 is 9000; CPU ids are whole"
                        + " numbers from 0 to 8191");
    }

    static TerraformCli terraform(String name) throws IOException {
        return new TerraformCli(Files.createDirectories(work.resolve(name))).withReattach(reattach);
    }

    static String header() {
        return """
                terraform {
                  required_providers {
                    multikernel = {
                      source = "%s"
                    }
                  }
                }
                """.formatted(Main.SOURCE_ADDRESS);
    }

    private static Map<String, String> outputs(String... pairs) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put(pairs[i], pairs[i + 1]);
        }
        return map;
    }
}
