package dev.tfjvm.docs;

import static dev.tfjvm.docs.RegistryDocsGoldenTest.EXAMPLES;
import static dev.tfjvm.docs.RegistryDocsGoldenTest.TEMPLATES;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tfjvm.cty.CtyValue;
import dev.tfjvm.schema.Attribute;
import dev.tfjvm.schema.Block;
import dev.tfjvm.schema.Schema;
import dev.tfjvm.spi.ConfigureContext;
import dev.tfjvm.spi.Provider;
import dev.tfjvm.spi.Resource;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.SortedMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegistryDocsTest {
    @TempDir
    Path tmp;

    @Test
    void aPageWithoutExampleHasNoExampleUsageSection() throws Exception {
        SortedMap<Path, String> pages = RegistryDocs.generate(new ToyProvider(), EXAMPLES, TEMPLATES);
        assertThat(pages.get(Path.of("resources/plain.md")))
                .contains("# toy_plain (Resource)", "## Schema")
                .doesNotContain("## Example Usage", "## Import");
        assertThat(pages.get(Path.of("functions/version.md")))
                .contains("## Signature")
                .doesNotContain("## Example Usage");
        assertThat(pages.get(Path.of("resources/machine.md"))).contains("## Example Usage", "## Import");
    }

    @Test
    void absentExamplesAndTemplatesDirectoriesStillGiveEveryPage() throws Exception {
        SortedMap<Path, String> pages =
                RegistryDocs.generate(new ToyProvider(), tmp.resolve("none"), tmp.resolve("none2"));
        assertThat(pages).hasSize(8).doesNotContainKey(Path.of("guides/getting-started.md"));
        assertThat(pages.values()).noneMatch(p -> p.contains("## Example Usage"));
        assertThat(pages.get(Path.of("resources/machine.md"))).contains("subcategory: \"\"");
    }

    @Test
    void outputIsDeterministicWithLfLineEnds() throws Exception {
        SortedMap<Path, String> first = RegistryDocs.generate(new ToyProvider(), EXAMPLES, TEMPLATES);
        SortedMap<Path, String> second = RegistryDocs.generate(new ToyProvider(), EXAMPLES, TEMPLATES);
        assertThat(first).isEqualTo(second);
        first.forEach((path, page) -> {
            if (!path.startsWith("guides")) {
                assertThat(page)
                        .as(path.toString())
                        .doesNotContain("\r")
                        .endsWith("\n")
                        .doesNotEndWith("\n\n")
                        .doesNotContain("\n\n\n");
            }
        });
    }

    @Test
    void examplesAreNormalizedAndFencedSafely() throws Exception {
        SortedMap<Path, String> pages = RegistryDocs.generate(new ToyProvider(), EXAMPLES, TEMPLATES);
        // import.sh is stored with CRLF; the page has LF only.
        assertThat(pages.get(Path.of("resources/machine.md")))
                .contains("```shell\nterraform import toy_machine.example alpha\n```\n");
        // The example holds a run of three backticks, so the fence has four; trailing blank lines go.
        assertThat(pages.get(Path.of("functions/add.md")))
                .contains("````terraform\noutput \"sum\" {\n")
                .contains("in a comment\n}\n````\n");
    }

    @Test
    void guidesAreCopiedByteForByte() throws Exception {
        SortedMap<Path, String> pages = RegistryDocs.generate(new ToyProvider(), EXAMPLES, TEMPLATES);
        assertThat(pages.get(Path.of("guides/getting-started.md")))
                .isEqualTo(Files.readString(TEMPLATES.resolve("guides/getting-started.md")));
    }

    @Test
    void unknownExampleDirectoryIsAnErrorNamingIt() throws Exception {
        Path examples = tmp.resolve("examples");
        Files.createDirectories(examples.resolve("resources/toy_gone"));
        assertThatThrownBy(() -> RegistryDocs.generate(new ToyProvider(), examples, tmp.resolve("t")))
                .isInstanceOf(DocsException.class)
                .hasMessageContaining("toy_gone")
                .hasMessageContaining("toy_machine, toy_plain");
        Files.delete(examples.resolve("resources/toy_gone"));
        Files.createDirectories(examples.resolve("functions/subtract"));
        assertThatThrownBy(() -> RegistryDocs.generate(new ToyProvider(), examples, tmp.resolve("t")))
                .isInstanceOf(DocsException.class)
                .hasMessageContaining("subtract");
    }

    @Test
    void templateForAPageThatIsNotGeneratedIsAnError() throws Exception {
        Path templates = tmp.resolve("templates");
        Files.createDirectories(templates.resolve("data-sources"));
        Files.writeString(templates.resolve("data-sources/machines.md"), "Prose.");
        assertThatThrownBy(() -> RegistryDocs.generate(new ToyProvider(), EXAMPLES, templates))
                .isInstanceOf(DocsException.class)
                .hasMessageContaining("machines.md")
                .hasMessageContaining("machine.md");
    }

    @Test
    void templateWithoutFrontMatterAddsProseOnly() throws Exception {
        Path templates = tmp.resolve("templates");
        Files.createDirectories(templates);
        Files.writeString(templates.resolve("index.md"), "\r\nRead the guides first.\r\n");
        String index =
                RegistryDocs.generate(new ToyProvider(), EXAMPLES, templates).get(Path.of("index.md"));
        assertThat(index)
                .contains("subcategory: \"\"")
                .contains("see [the guide](guides/getting-started.md).\n\nRead the guides first.\n\n## Example Usage");
    }

    @Test
    void malformedTemplateFrontMatterIsReportedWithItsLine() throws Exception {
        Path file = Path.of("templates/resources/machine.md");
        assertThatThrownBy(() -> Templates.parse(file, "---\nsubcategory: A\npage_title: \"x\"\n---\nbody"))
                .isInstanceOf(DocsException.class)
                .hasMessageContaining("line 3")
                .hasMessageContaining("page_title");
        assertThatThrownBy(() -> Templates.parse(file, "---\nsubcategory: A\n"))
                .isInstanceOf(DocsException.class)
                .hasMessageContaining("no closing");
        assertThatThrownBy(() -> Templates.parse(file, "---\nsubcategory: \"A\\nB\"\n---\n"))
                .isInstanceOf(DocsException.class)
                .hasMessageContaining("line 2");
        assertThatThrownBy(() -> Templates.parse(file, "---\nsubcategory: \"A\n---\n"))
                .isInstanceOf(DocsException.class)
                .hasMessageContaining("closing quote");
        assertThat(Templates.parse(file, "---\nsubcategory: 'It''s'\n---\n\nText\n"))
                .isEqualTo(new Templates.PageAddition("It's", "Text"));
        assertThat(Templates.parse(file, "---\nsubcategory: Plain words\n---"))
                .isEqualTo(new Templates.PageAddition("Plain words", ""));
    }

    @Test
    void nonUtf8ExampleIsAnErrorNamingTheFile() throws Exception {
        Path examples = tmp.resolve("examples");
        Files.createDirectories(examples.resolve("provider"));
        Files.write(examples.resolve("provider/provider.tf"), new byte[] {'p', (byte) 0xC3, '(', '\n'});
        assertThatThrownBy(() -> RegistryDocs.generate(new ToyProvider(), examples, tmp.resolve("t")))
                .isInstanceOf(DocsException.class)
                .hasMessageContaining("provider.tf")
                .hasMessageContaining("UTF-8");
    }

    @Test
    void guidesDirectoryTakesOnlyMarkdown() throws Exception {
        Path templates = tmp.resolve("templates");
        Files.createDirectories(templates.resolve("guides"));
        Files.writeString(templates.resolve("guides/notes.txt"), "x");
        assertThatThrownBy(() -> RegistryDocs.generate(new ToyProvider(), EXAMPLES, templates))
                .isInstanceOf(DocsException.class)
                .hasMessageContaining("notes.txt");
    }

    @Test
    void duplicateTypeNamesAreAnError() {
        Provider twice = new ToyProvider() {
            @Override
            public List<Resource> resources() {
                return List.of(new ToyProvider.Plain(), new ToyProvider.Plain());
            }
        };
        assertThatThrownBy(() -> RegistryDocs.generate(twice, EXAMPLES, TEMPLATES))
                .isInstanceOf(DocsException.class)
                .hasMessageContaining("toy_plain")
                .hasMessageContaining("twice");
    }

    @Test
    void defaultThatDoesNotFitItsTypeIsAnErrorNamingTheAttribute() {
        Provider bad = new Provider() {
            @Override
            public String typeName() {
                return "bad";
            }

            @Override
            public Schema schema() {
                return Schema.of(Block.builder()
                        .attribute(Attribute.number("n").optional().computed().defaultValue(CtyValue.string("three")))
                        .build());
            }

            @Override
            public void configure(ConfigureContext context) {}

            @Override
            public List<Resource> resources() {
                return List.of();
            }
        };
        assertThatThrownBy(() -> RegistryDocs.generate(bad, tmp, tmp))
                .isInstanceOf(DocsException.class)
                .hasMessageContaining("default value of n");
    }

    @Test
    void undocumentedAttributesAndParametersAreListed() {
        assertThat(RegistryDocs.undocumented(new ToyProvider()))
                .contains(
                        "resource toy_machine: id",
                        "resource toy_machine: disk.label",
                        "resource toy_machine: endpoints.port",
                        "resource toy_machine: endpoints.tls.verify",
                        "data source toy_machine: id",
                        "function split_pair: parameter text")
                .doesNotContain(
                        "resource toy_machine: name",
                        "resource toy_machine: timeouts.create",
                        "provider toy: endpoint",
                        "provider toy: retry.attempts",
                        "function add: parameter a");
    }

    @Test
    void shortNamesDropTheProviderPrefixOnly() {
        assertThat(RegistryDocs.shortName("demo", "demo_server")).isEqualTo("server");
        assertThat(RegistryDocs.shortName("demo", "demo")).isEqualTo("demo");
        assertThat(RegistryDocs.shortName("demo", "demo_")).isEqualTo("demo_");
        assertThat(RegistryDocs.shortName("demo", "demonstration_x")).isEqualTo("demonstration_x");
    }

    @Test
    void checkReportsMissingOutOfDateAndStalePagesAndWriteFixesThem() throws Exception {
        Provider toy = new ToyProvider();
        Path docs = tmp.resolve("docs");
        SortedMap<Path, String> pages = RegistryDocs.generate(toy, EXAMPLES, TEMPLATES);
        assertThat(RegistryDocs.check(toy, EXAMPLES, TEMPLATES, docs))
                .hasSize(pages.size())
                .allMatch(d -> d.kind() == DocsDifference.Kind.MISSING);

        assertThat(RegistryDocs.write(pages, docs)).hasSize(pages.size());
        assertThat(RegistryDocs.check(toy, EXAMPLES, TEMPLATES, docs)).isEmpty();

        Path machine = docs.resolve("resources/machine.md");
        Files.writeString(machine, Files.readString(machine).replace("Machine name.", "Machine nickname."));
        Files.writeString(docs.resolve("resources/retired.md"), "old page");
        Files.delete(docs.resolve("functions/add.md"));
        Files.writeString(docs.resolve("README.txt"), "not a page: ignored");
        Files.createDirectories(docs.resolve("images"));
        Files.writeString(docs.resolve("images/x.md"), "outside the page directories: ignored");

        List<DocsDifference> diffs = RegistryDocs.check(toy, EXAMPLES, TEMPLATES, docs);
        assertThat(diffs)
                .extracting(DocsDifference::path, DocsDifference::kind)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(Path.of("functions/add.md"), DocsDifference.Kind.MISSING),
                        org.assertj.core.groups.Tuple.tuple(
                                Path.of("resources/machine.md"), DocsDifference.Kind.OUT_OF_DATE),
                        org.assertj.core.groups.Tuple.tuple(
                                Path.of("resources/retired.md"), DocsDifference.Kind.STALE));
        assertThat(diffs.get(1).detail())
                .startsWith("line ")
                .contains("Machine name.")
                .contains("Machine nickname.");
        assertThat(diffs.get(1).toString()).startsWith("resources/machine.md: out of date (line ");
        assertThat(diffs.get(2).toString()).isEqualTo("resources/retired.md: stale (no longer generated)");

        RegistryDocs.write(pages, docs);
        assertThat(RegistryDocs.check(toy, EXAMPLES, TEMPLATES, docs)).isEmpty();
        assertThat(docs.resolve("resources/retired.md")).doesNotExist();
        assertThat(docs.resolve("README.txt")).exists();
        assertThat(docs.resolve("images/x.md")).exists();
    }

    @Test
    void aPageWithCrlfLineEndsIsOutOfDate() throws Exception {
        Provider toy = new ToyProvider();
        Path docs = tmp.resolve("docs");
        SortedMap<Path, String> pages = RegistryDocs.generate(toy, EXAMPLES, TEMPLATES);
        RegistryDocs.write(pages, docs);
        Path index = docs.resolve("index.md");
        Files.write(index, Files.readString(index).replace("\n", "\r\n").getBytes(StandardCharsets.UTF_8));
        assertThat(RegistryDocs.check(toy, EXAMPLES, TEMPLATES, docs))
                .singleElement()
                .satisfies(d -> assertThat(d.kind()).isEqualTo(DocsDifference.Kind.OUT_OF_DATE))
                .satisfies(d -> assertThat(d.detail()).contains("line 1").contains("\\r"));
    }
}
