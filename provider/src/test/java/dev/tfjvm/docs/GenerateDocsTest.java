package dev.tfjvm.docs;

import static dev.tfjvm.docs.RegistryDocsGoldenTest.EXAMPLES;
import static dev.tfjvm.docs.RegistryDocsGoldenTest.TEMPLATES;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GenerateDocsTest {
    @TempDir
    Path tmp;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        out.reset();
        err.reset();
        return GenerateDocs.run(
                args,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String[] args(Path docs, String... more) {
        String[] base = {
            "--provider-class",
            ToyProvider.class.getName(),
            "--examples",
            EXAMPLES.toString(),
            "--templates",
            TEMPLATES.toString(),
            "--out",
            docs.toString()
        };
        String[] all = new String[base.length + more.length];
        System.arraycopy(base, 0, all, 0, base.length);
        System.arraycopy(more, 0, all, base.length, more.length);
        return all;
    }

    @Test
    void writesThenChecksThenReportsDrift() throws Exception {
        Path docs = tmp.resolve("docs");
        assertThat(run(args(docs, "--check"))).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("index.md: missing");

        assertThat(run(args(docs))).isEqualTo(0);
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains("wrote " + docs.resolve("resources/machine.md"))
                .contains("9 pages, 9 changed.");
        assertThat(docs.resolve("guides/getting-started.md")).exists();

        assertThat(run(args(docs, "--check"))).isEqualTo(0);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("is up to date (9 pages)");

        Files.writeString(docs.resolve("functions/old.md"), "x");
        assertThat(run(args(docs, "--check"))).isEqualTo(1);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("functions/old.md: stale");
        assertThat(run(args(docs))).isEqualTo(0);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("removed " + docs.resolve("functions/old.md"));
        assertThat(docs.resolve("functions/old.md")).doesNotExist();
    }

    @Test
    void undocumentedAttributesWarnAndFailWhenStrict() {
        Path docs = tmp.resolve("docs");
        assertThat(run(args(docs))).isEqualTo(0);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .startsWith("warning: ")
                .contains("  resource toy_machine: disk.label\n");
        assertThat(run(args(tmp.resolve("strict"), "--strict"))).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("error: ");
        assertThat(tmp.resolve("strict")).doesNotExist();
    }

    @Test
    void badArgumentsExitTwoWithUsage() {
        assertThat(run()).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains("--provider-class is required")
                .contains("Usage:");
        assertThat(run("--out")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("--out needs a value");
        assertThat(run("--verbose")).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("Unknown argument \"--verbose\"");
        assertThat(run("--help")).isEqualTo(0);
        assertThat(out.toString(StandardCharsets.UTF_8)).contains("Usage:");
    }

    @Test
    void providerClassProblemsAreExplained() {
        assertThat(run("--provider-class", "no.such.Provider", "--out", tmp.toString()))
                .isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("Cannot load the provider class no.such.Provider");
        assertThat(run("--provider-class", "java.lang.String", "--out", tmp.toString()))
                .isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("does not implement dev.tfjvm.spi.Provider");
        assertThat(run("--provider-class", ToyProvider.Machine.class.getName())).isEqualTo(2);
        assertThat(run("--provider-class", NoDefaultConstructor.class.getName()))
                .isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("public no-argument constructor");
    }

    /** A provider that cannot be created by name. */
    public abstract static class NoDefaultConstructor implements dev.tfjvm.spi.Provider {
        public NoDefaultConstructor(String unused) {}
    }
}
