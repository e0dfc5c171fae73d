package dev.multikernel.provider;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.tfjvm.docs.DocsDifference;
import dev.tfjvm.docs.RegistryDocs;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The committed registry docs (the repository's {@code docs/}) are what the generator makes of
 * the provider's schemas, {@code examples/} and {@code templates/} today.
 */
class DocsUpToDateTest {
    static final String REGENERATE = "mvn -B -ntp -pl resources -am -Pgenerate-docs process-classes";
    // Surefire sets basedir to the module directory; the registry layout lives one level up.
    static final Path ROOT =
            Path.of(System.getProperty("basedir", ".")).resolve("..").normalize();

    @Test
    void committedDocsMatchTheProviderExamplesAndTemplates() throws Exception {
        List<DocsDifference> differences = RegistryDocs.check(
                new MultikernelProvider(), ROOT.resolve("examples"), ROOT.resolve("templates"), ROOT.resolve("docs"));
        if (!differences.isEmpty()) {
            fail("docs/ is not up to date with the provider's schemas, examples/ and templates/:\n  "
                    + differences.stream().map(DocsDifference::toString).collect(Collectors.joining("\n  "))
                    + "\nRegenerate from the repository root with\n  " + REGENERATE
                    + "\nthen review and commit docs/.");
        }
    }

    @Test
    void everyDataSourceAndFunctionHasAPageWithItsExample() throws Exception {
        var pages =
                RegistryDocs.generate(new MultikernelProvider(), ROOT.resolve("examples"), ROOT.resolve("templates"));
        assertThat(pages.keySet())
                .contains(
                        Path.of("index.md"),
                        Path.of("data-sources/host.md"),
                        Path.of("data-sources/instances.md"),
                        Path.of("functions/cpulist_expand.md"),
                        Path.of("functions/size_format.md"),
                        Path.of("guides/getting-started.md"));
        assertThat(pages.entrySet())
                .filteredOn(e -> !e.getKey().startsWith("guides"))
                .allSatisfy(
                        e -> assertThat(e.getValue()).as(e.getKey().toString()).contains("## Example Usage"));
    }
}
