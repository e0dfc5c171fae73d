package dev.tfjvm.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.SortedMap;
import org.junit.jupiter.api.Test;

/**
 * The pages of {@link ToyProvider} against the committed ones in {@code testdata/golden}.
 * After an intended change of the output, regenerate them and review the diff:
 * {@code mvn -pl provider test -Dtest=RegistryDocsGoldenTest -Ddocs.golden.update=true}.
 */
class RegistryDocsGoldenTest {
    static final Path TESTDATA = Path.of("src/test/java/dev/tfjvm/docs/testdata");
    static final Path EXAMPLES = TESTDATA.resolve("examples");
    static final Path TEMPLATES = TESTDATA.resolve("templates");
    static final Path GOLDEN = TESTDATA.resolve("golden");

    @Test
    void pagesMatchTheGoldenFiles() throws Exception {
        SortedMap<Path, String> pages = RegistryDocs.generate(new ToyProvider(), EXAMPLES, TEMPLATES);
        if (Boolean.getBoolean("docs.golden.update")) {
            RegistryDocs.write(pages, GOLDEN);
        }
        List<DocsDifference> differences = RegistryDocs.compare(pages, GOLDEN);
        assertThat(differences)
                .as(
                        "generated pages differ from %s; if the change is intended, rerun with -Ddocs.golden.update=true"
                                + " and review the diff",
                        GOLDEN)
                .isEmpty();
        assertThat(pages.keySet())
                .containsExactly(
                        Path.of("data-sources/machine.md"),
                        Path.of("functions/add.md"),
                        Path.of("functions/join_all.md"),
                        Path.of("functions/split_pair.md"),
                        Path.of("functions/version.md"),
                        Path.of("guides/getting-started.md"),
                        Path.of("index.md"),
                        Path.of("resources/machine.md"),
                        Path.of("resources/plain.md"));
    }
}
