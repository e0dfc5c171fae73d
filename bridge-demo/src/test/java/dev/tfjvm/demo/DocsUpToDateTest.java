package dev.tfjvm.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.tfjvm.docs.DocsDifference;
import dev.tfjvm.docs.RegistryDocs;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The committed registry docs ({@code bridge-demo/docs}) are what the generator makes of the
 * demo provider's schemas and {@code bridge-demo/examples} today.
 */
class DocsUpToDateTest {
    static final String REGENERATE = "mvn -B -ntp -pl bridge-demo -am -Pgenerate-docs process-classes";
    // Surefire sets basedir to the module directory; an IDE may run elsewhere.
    static final Path MODULE = Path.of(System.getProperty("basedir", "."));
    static final Path EXAMPLES = MODULE.resolve("examples");
    static final Path TEMPLATES = MODULE.resolve("templates");
    static final Path DOCS = MODULE.resolve("docs");

    @Test
    void committedDocsMatchTheProviderAndExamples() throws Exception {
        List<DocsDifference> differences = RegistryDocs.check(new DemoProvider(), EXAMPLES, TEMPLATES, DOCS);
        if (!differences.isEmpty()) {
            fail("bridge-demo/docs is not up to date with the demo provider's schemas and examples:\n  "
                    + differences.stream().map(DocsDifference::toString).collect(Collectors.joining("\n  "))
                    + "\nRegenerate from the repository root with\n  " + REGENERATE
                    + "\nthen review and commit bridge-demo/docs.");
        }
    }

    @Test
    void everyTypeHasAPageWithItsExample() throws Exception {
        var pages = RegistryDocs.generate(new DemoProvider(), EXAMPLES, TEMPLATES);
        assertThat(pages.keySet())
                .containsExactly(
                        Path.of("data-sources/server.md"),
                        Path.of("functions/parse_size.md"),
                        Path.of("index.md"),
                        Path.of("resources/buggy.md"),
                        Path.of("resources/server.md"));
        assertThat(pages.values()).allMatch(page -> page.contains("## Example Usage"));
        assertThat(pages.get(Path.of("resources/server.md")))
                .contains("## Import", "terraform import demo_server.web srv-web");
    }
}
