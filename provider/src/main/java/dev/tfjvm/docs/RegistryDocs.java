package dev.tfjvm.docs;

import dev.tfjvm.schema.Block;
import dev.tfjvm.schema.Deprecation;
import dev.tfjvm.server.ResourceSchemas;
import dev.tfjvm.spi.DataSource;
import dev.tfjvm.spi.Provider;
import dev.tfjvm.spi.ProviderFunction;
import dev.tfjvm.spi.Resource;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Terraform-registry documentation for a provider built on the bridge, in the layout the registry
 * reads ({@code index.md}, {@code resources/}, {@code data-sources/}, {@code functions/},
 * {@code guides/}), from the provider's schemas, an examples directory and optional templates.
 *
 * <p>Output is deterministic (sorted, LF line ends, no dates), so a test can regenerate the pages
 * in memory and {@link #check} them against the committed ones.
 *
 * <pre>
 * SortedMap&lt;Path, String&gt; pages = RegistryDocs.generate(new DemoProvider(), Path.of("examples"), Path.of("templates"));
 * List&lt;DocsDifference&gt; stale = RegistryDocs.check(new DemoProvider(), Path.of("examples"), Path.of("templates"), Path.of("docs"));
 * </pre>
 */
public final class RegistryDocs {
    private static final List<String> PAGE_DIRS = List.of("resources", "data-sources", "functions", Templates.GUIDES);

    private RegistryDocs() {}

    /**
     * Every page, keyed by its path relative to the docs directory, in path order.
     *
     * @param examples the examples directory (registry layout); missing files or a missing
     *     directory leave the "Example Usage" section out
     * @param templates the templates directory; may be absent
     */
    public static SortedMap<Path, String> generate(Provider provider, Path examples, Path templates)
            throws DocsException {
        String name = provider.typeName();
        Map<String, Resource> resources = byName(provider.resources(), Resource::typeName, "resource type");
        Map<String, DataSource> dataSources = byName(provider.dataSources(), DataSource::typeName, "data source type");
        Map<String, ProviderFunction> functions = byName(provider.functions(), ProviderFunction::name, "function");

        Examples ex = Examples.load(examples, resources.keySet(), dataSources.keySet(), functions.keySet());
        SortedMap<Path, Page> pages = new TreeMap<>();
        pages.put(Path.of("index.md"), providerPage(provider, ex));
        for (Resource r : resources.values()) {
            pages.put(Path.of("resources", shortName(name, r.typeName()) + ".md"), resourcePage(name, r, ex));
        }
        for (DataSource d : dataSources.values()) {
            pages.put(Path.of("data-sources", shortName(name, d.typeName()) + ".md"), dataSourcePage(name, d, ex));
        }
        for (ProviderFunction f : functions.values()) {
            pages.put(Path.of("functions", f.name() + ".md"), functionPage(name, f, ex));
        }
        Templates t = Templates.load(templates, pages.keySet());
        SortedMap<Path, String> out = new TreeMap<>();
        for (Map.Entry<Path, Page> p : pages.entrySet()) {
            out.put(p.getKey(), p.getValue().render(t.addition(p.getKey())));
        }
        out.putAll(t.guides());
        return Collections.unmodifiableSortedMap(out);
    }

    /** How the docs directory differs from what {@link #generate} produces; empty when up to date. */
    public static List<DocsDifference> check(Provider provider, Path examples, Path templates, Path docs)
            throws DocsException {
        return compare(generate(provider, examples, templates), docs);
    }

    /**
     * Compares pages with a docs directory: missing and out-of-date pages, and stale pages (Markdown
     * files under {@code index.md}, {@code resources/}, {@code data-sources/}, {@code functions/} or
     * {@code guides/} that are not generated any more). Other files in the directory are ignored.
     */
    public static List<DocsDifference> compare(Map<Path, String> pages, Path docs) throws DocsException {
        List<DocsDifference> out = new ArrayList<>();
        for (Map.Entry<Path, String> p : new TreeMap<>(pages).entrySet()) {
            Path file = docs.resolve(p.getKey());
            if (!Files.isRegularFile(file)) {
                out.add(new DocsDifference(p.getKey(), DocsDifference.Kind.MISSING, ""));
                continue;
            }
            String actual = SourceFiles.read(file);
            if (!actual.equals(p.getValue())) {
                out.add(new DocsDifference(
                        p.getKey(), DocsDifference.Kind.OUT_OF_DATE, firstDifference(p.getValue(), actual)));
            }
        }
        for (Path existing : managedFiles(docs)) {
            if (!pages.containsKey(existing)) {
                out.add(new DocsDifference(existing, DocsDifference.Kind.STALE, ""));
            }
        }
        out.sort(Comparator.comparing(DocsDifference::path));
        return List.copyOf(out);
    }

    /**
     * Brings a docs directory up to date: writes missing and out-of-date pages, deletes stale ones.
     *
     * @return what was changed, as {@link #compare} saw it before
     */
    public static List<DocsDifference> write(Map<Path, String> pages, Path docs) throws DocsException {
        List<DocsDifference> changes = compare(pages, docs);
        for (DocsDifference d : changes) {
            Path file = docs.resolve(d.path());
            try {
                if (d.kind() == DocsDifference.Kind.STALE) {
                    Files.delete(file);
                } else {
                    Files.createDirectories(file.getParent());
                    Files.writeString(file, pages.get(d.path()), StandardCharsets.UTF_8);
                }
            } catch (IOException e) {
                throw new DocsException("Cannot update " + file + ": " + e.getMessage(), e);
            }
        }
        return changes;
    }

    /**
     * Attributes and function parameters that have no description, such as
     * {@code resource demo_server: disk.label}; the registry's convention is that every one has one.
     */
    public static List<String> undocumented(Provider provider) {
        return Undocumented.of(provider);
    }

    /** The name of a type without the provider prefix: {@code demo_server} → {@code server}. */
    static String shortName(String provider, String type) {
        String prefix = provider + "_";
        return type.startsWith(prefix) && type.length() > prefix.length() ? type.substring(prefix.length()) : type;
    }

    /** A relative path with forward slashes, as in messages and on every platform. */
    static String slashed(Path p) {
        List<String> parts = new ArrayList<>();
        p.forEach(e -> parts.add(e.toString()));
        return String.join("/", parts);
    }

    private static List<Path> managedFiles(Path docs) throws DocsException {
        List<Path> out = new ArrayList<>();
        if (Files.isRegularFile(docs.resolve("index.md"))) {
            out.add(Path.of("index.md"));
        }
        for (String dir : PAGE_DIRS) {
            for (Path f : SourceFiles.list(docs.resolve(dir))) {
                if (Files.isRegularFile(f) && SourceFiles.fileName(f).endsWith(".md")) {
                    out.add(Path.of(dir, SourceFiles.fileName(f)));
                }
            }
        }
        return out;
    }

    private static String firstDifference(String expected, String actual) {
        // A final newline ends the last line; it does not start an empty one.
        String[] e = chopNewline(expected).split("\n", -1);
        String[] a = chopNewline(actual).split("\n", -1);
        for (int i = 0; i < Math.max(e.length, a.length); i++) {
            String el = i < e.length ? e[i] : null;
            String al = i < a.length ? a[i] : null;
            if (el == null || al == null || !el.equals(al)) {
                return "line " + (i + 1) + ": expected " + quoteLine(el) + ", found " + quoteLine(al);
            }
        }
        return "the final line end or the line ends differ";
    }

    private static String chopNewline(String s) {
        return s.endsWith("\n") ? s.substring(0, s.length() - 1) : s;
    }

    private static String quoteLine(String line) {
        if (line == null) {
            return "end of file";
        }
        String shown = line.length() > 72 ? line.substring(0, 72) + "..." : line;
        return "\"" + shown.replace("\r", "\\r") + "\"";
    }

    private static <T> Map<String, T> byName(List<T> items, Function<T, String> name, String what)
            throws DocsException {
        Map<String, T> out = new TreeMap<>();
        for (T item : items) {
            if (out.put(name.apply(item), item) != null) {
                throw new DocsException("The provider declares the " + what + " \"" + name.apply(item)
                        + "\" twice; each name must be unique.");
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- pages

    /** A page before its template addition is known: front matter fields and the Markdown chunks. */
    private record Page(String title, String description, List<String> head, List<String> rest) {
        String render(Optional<Templates.PageAddition> addition) {
            List<String> chunks = new ArrayList<>();
            chunks.add(Markdown.frontMatter(
                    title, addition.map(Templates.PageAddition::subcategory).orElse(""), description));
            chunks.addAll(head);
            addition.map(Templates.PageAddition::body).filter(b -> !b.isEmpty()).ifPresent(chunks::add);
            chunks.addAll(rest);
            return String.join("\n\n", chunks) + "\n";
        }
    }

    private static Page providerPage(Provider provider, Examples ex) throws DocsException {
        Block block = provider.schema().block();
        List<String> head = new ArrayList<>();
        head.add("# " + provider.typeName() + " Provider");
        addDeprecation(head, block.deprecation());
        addIfPresent(head, Markdown.text(block.description()));
        List<String> rest = new ArrayList<>();
        addExample(rest, ex.provider());
        rest.addAll(SchemaMarkdown.render(block, Optional.empty()));
        return new Page(provider.typeName() + " Provider", Markdown.text(block.description()), head, rest);
    }

    private static Page resourcePage(String provider, Resource r, Examples ex) throws DocsException {
        Block block = ResourceSchemas.effective(r).block();
        List<String> head = typeHead(r.typeName(), "Resource", block);
        List<String> rest = new ArrayList<>();
        addExample(rest, ex.resource(r.typeName(), Examples.RESOURCE));
        rest.addAll(SchemaMarkdown.render(block, Optional.of("The ID of this resource.")));
        Optional<String> importBlock = ex.resource(r.typeName(), Examples.IMPORT_BLOCK);
        Optional<String> importCommand = ex.resource(r.typeName(), Examples.IMPORT_COMMAND);
        if (importBlock.isPresent() || importCommand.isPresent()) {
            rest.add("## Import");
            if (importBlock.isPresent()) {
                rest.add("In Terraform 1.5 and later, an `import` block brings an existing object under management:");
                rest.add(Markdown.fence("terraform", importBlock.get()));
            }
            if (importCommand.isPresent()) {
                rest.add(
                        importBlock.isPresent()
                                ? "The `terraform import` command does the same:"
                                : "The `terraform import` command brings an existing object under management:");
                rest.add(Markdown.fence("shell", importCommand.get()));
            }
        }
        return new Page(r.typeName() + " Resource - " + provider, Markdown.text(block.description()), head, rest);
    }

    private static Page dataSourcePage(String provider, DataSource d, Examples ex) throws DocsException {
        Block block = d.schema().block();
        List<String> head = typeHead(d.typeName(), "Data Source", block);
        List<String> rest = new ArrayList<>();
        addExample(rest, ex.dataSource(d.typeName()));
        rest.addAll(SchemaMarkdown.render(block, Optional.of("The ID of this data source.")));
        return new Page(d.typeName() + " Data Source - " + provider, Markdown.text(block.description()), head, rest);
    }

    private static Page functionPage(String provider, ProviderFunction f, Examples ex) throws DocsException {
        List<String> head = new ArrayList<>();
        head.add("# function: " + f.name());
        addIfPresent(head, Markdown.normalize(f.summary()).strip());
        addIfPresent(head, Markdown.text(f.description()));
        List<String> rest = new ArrayList<>();
        addExample(rest, ex.function(f.name()));
        rest.add("## Signature");
        rest.add(Markdown.fence("text", FunctionMarkdown.signature(f)));
        rest.add("## Arguments");
        rest.add(FunctionMarkdown.arguments(f).orElse("This function takes no arguments."));
        rest.add("## Return Type");
        rest.add("A value of type `" + TypeNames.constraint(f.returnType()) + "` (" + TypeNames.prose(f.returnType())
                + ").");
        return new Page(f.name() + " function - " + provider, f.summary(), head, rest);
    }

    private static List<String> typeHead(String type, String kind, Block block) {
        List<String> head = new ArrayList<>();
        head.add("# " + type + " (" + kind + ")");
        addDeprecation(head, block.deprecation());
        addIfPresent(head, Markdown.text(block.description()));
        return head;
    }

    private static void addDeprecation(List<String> chunks, Deprecation d) {
        if (d.deprecated()) {
            chunks.add("~> " + SchemaMarkdown.deprecationText(d));
        }
    }

    private static void addExample(List<String> chunks, Optional<String> example) {
        if (example.isPresent()) {
            chunks.add("## Example Usage");
            chunks.add(Markdown.fence("terraform", example.get()));
        }
    }

    private static void addIfPresent(List<String> chunks, String text) {
        if (!text.isEmpty()) {
            chunks.add(text);
        }
    }
}
