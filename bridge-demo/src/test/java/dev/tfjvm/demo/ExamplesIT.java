package dev.tfjvm.demo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tfjvm.testing.InProcessProvider;
import dev.tfjvm.testing.TerraformCli;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every example under {@code bridge-demo/examples} (the ones the registry docs show) is valid for
 * the demo provider as it is now: {@code terraform validate} on each, attached to the provider
 * served in this JVM; and the import examples really import what the resource example creates.
 */
class ExamplesIT {
    static final Path EXAMPLES = DocsUpToDateTest.EXAMPLES;
    static final String VERSIONS = """
            terraform {
              required_providers {
                demo = {
                  source = "%s"
                }
              }
            }
            """.formatted(DemoMain.SOURCE);

    @TempDir
    static Path work;

    static InProcessProvider provider;
    static String reattach;

    @BeforeAll
    static void start() throws Exception {
        provider = InProcessProvider.start(new DemoProvider(), DemoMain.SOURCE);
        reattach = provider.reattachJson();
    }

    @AfterAll
    static void stop() {
        provider.close();
    }

    @TestFactory
    Stream<DynamicTest> everyExampleValidates() throws IOException {
        List<Path> dirs = new ArrayList<>();
        dirs.add(EXAMPLES.resolve("provider"));
        for (String kind : List.of("resources", "data-sources", "functions")) {
            try (Stream<Path> s = Files.list(EXAMPLES.resolve(kind))) {
                s.filter(Files::isDirectory).sorted().forEach(dirs::add);
            }
        }
        assertThat(dirs).hasSizeGreaterThanOrEqualTo(5);
        return dirs.stream()
                .map(dir -> DynamicTest.dynamicTest(EXAMPLES.relativize(dir).toString(), () -> {
                    TerraformCli tf =
                            terraformIn(EXAMPLES.relativize(dir).toString().replace('/', '-'));
                    List<Path> files = tfFiles(dir);
                    assertThat(files).as("Terraform files in " + dir).isNotEmpty();
                    boolean declaresProvider = false;
                    for (Path f : files) {
                        String text = Files.readString(f);
                        declaresProvider |= text.contains("required_providers");
                        tf.file(f.getFileName().toString(), text);
                    }
                    if (!declaresProvider) {
                        tf.file("versions.tf", VERSIONS);
                    }
                    tf.expect(0, "validate", "-no-color");
                }));
    }

    @Test
    void importExamplesImportWhatTheResourceExampleCreates() throws Exception {
        Path server = EXAMPLES.resolve("resources/demo_server");
        TerraformCli tf = terraformIn("import");
        tf.file("provider.tf", Files.readString(EXAMPLES.resolve("provider/provider.tf")));
        tf.file("resource.tf", Files.readString(server.resolve("resource.tf")));
        tf.expect(0, "apply", "-no-color", "-auto-approve");
        tf.expect(0, "state", "rm", "demo_server.web");

        List<String[]> commands = Files.readAllLines(server.resolve("import.sh")).stream()
                .map(String::strip)
                .filter(l -> l.startsWith("terraform "))
                .map(l -> l.substring("terraform ".length()).split("\\s+"))
                .toList();
        assertThat(commands).as("terraform commands in import.sh").isNotEmpty();
        for (String[] args : commands) {
            List<String> withFlags = new ArrayList<>(List.of(args[0], "-no-color"));
            withFlags.addAll(List.of(args).subList(1, args.length));
            assertThat(tf.expect(0, withFlags.toArray(String[]::new)).stdout()).contains("Import successful!");
        }

        tf.expect(0, "state", "rm", "demo_server.web");
        tf.file("import.tf", Files.readString(server.resolve("import.tf")));
        assertThat(tf.expect(0, "plan", "-no-color").stdout()).contains("1 to import");
        tf.expect(0, "apply", "-no-color", "-auto-approve");
        tf.expect(0, "destroy", "-no-color", "-auto-approve");
    }

    private static TerraformCli terraformIn(String name) {
        try {
            return new TerraformCli(Files.createDirectories(work.resolve(name))).withReattach(reattach);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Path> tfFiles(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".tf"))
                    .sorted()
                    .toList();
        }
    }
}
