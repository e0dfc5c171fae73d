package dev.tfjvm.docs;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Hand-written additions, in a directory laid out like the output:
 * <ul>
 * <li>{@code guides/*.md}: copied to {@code docs/guides/} unchanged;</li>
 * <li>{@code index.md}, {@code resources/NAME.md}, {@code data-sources/NAME.md},
 * {@code functions/NAME.md}: prose added to the generated page of the same path, after its
 * description. An optional front matter sets the page's subcategory:
 * <pre>
 * ---
 * subcategory: "Compute"
 * ---
 * Text in Markdown...
 * </pre></li>
 * </ul>
 * A page template for a page that is not generated is an error (a renamed type would silently
 * lose its prose otherwise).
 */
final class Templates {
    static final String GUIDES = "guides";

    /** What a page template adds to its page. */
    record PageAddition(String subcategory, String body) {}

    private final SortedMap<Path, String> guides;
    private final Map<Path, PageAddition> additions;

    private Templates(SortedMap<Path, String> guides, Map<Path, PageAddition> additions) {
        this.guides = Collections.unmodifiableSortedMap(guides);
        this.additions = Map.copyOf(additions);
    }

    static Templates load(Path root, Set<Path> pages) throws DocsException {
        SortedMap<Path, String> guides = new TreeMap<>();
        for (Path f : SourceFiles.list(root.resolve(GUIDES))) {
            String name = SourceFiles.fileName(f);
            if (!Files.isRegularFile(f) || !name.endsWith(".md")) {
                throw new DocsException(f + ": only Markdown files (*.md) belong in " + root.resolve(GUIDES)
                        + "; the registry shows no other kind of guide.");
            }
            guides.put(Path.of(GUIDES, name), SourceFiles.read(f));
        }
        Map<Path, PageAddition> additions = new TreeMap<>();
        Path index = root.resolve("index.md");
        if (Files.isRegularFile(index)) {
            additions.put(Path.of("index.md"), parse(index, SourceFiles.read(index)));
        }
        for (String kind : new String[] {"resources", "data-sources", "functions"}) {
            Set<String> unknown = new TreeSet<>();
            for (Path f : SourceFiles.list(root.resolve(kind))) {
                Path page = Path.of(kind, SourceFiles.fileName(f));
                if (pages.contains(page)) {
                    additions.put(page, parse(f, SourceFiles.read(f)));
                } else {
                    unknown.add(SourceFiles.fileName(f));
                }
            }
            if (!unknown.isEmpty()) {
                Set<String> known = new TreeSet<>();
                pages.stream()
                        .filter(p ->
                                p.getNameCount() == 2 && p.getName(0).toString().equals(kind))
                        .forEach(p -> known.add(p.getFileName().toString()));
                throw new DocsException("Templates in " + root.resolve(kind) + " match no generated page: "
                        + String.join(", ", unknown) + ". Pages generated there: "
                        + (known.isEmpty() ? "none" : String.join(", ", known)) + ".");
            }
        }
        return new Templates(guides, additions);
    }

    /** Splits an optional front matter (only {@code subcategory} is known) from the body. */
    static PageAddition parse(Path file, String content) throws DocsException {
        String text = Markdown.normalize(content);
        if (!text.startsWith("---\n")) {
            return new PageAddition("", text.strip());
        }
        String[] lines = text.split("\n", -1);
        String subcategory = "";
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i].strip();
            if (line.equals("---")) {
                String body = String.join("\n", java.util.Arrays.asList(lines).subList(i + 1, lines.length));
                return new PageAddition(subcategory, body.strip());
            }
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int colon = line.indexOf(':');
            String key = colon < 0 ? line : line.substring(0, colon).strip();
            if (colon < 0 || !key.equals("subcategory")) {
                throw new DocsException(file + " line " + (i + 1) + ": unknown front matter \"" + line
                        + "\". Only \"subcategory: NAME\" may be set here; the rest of the front matter is generated.");
            }
            subcategory = unquote(file, i + 1, line.substring(colon + 1).strip());
        }
        throw new DocsException(file + ": the front matter that starts on line 1 has no closing \"---\" line.");
    }

    private static String unquote(Path file, int line, String value) throws DocsException {
        if (value.length() >= 2
                && (value.startsWith("\"") && value.endsWith("\"") || value.startsWith("'") && value.endsWith("'"))) {
            String inner = value.substring(1, value.length() - 1);
            if (value.charAt(0) == '"') {
                StringBuilder out = new StringBuilder();
                for (int i = 0; i < inner.length(); i++) {
                    char c = inner.charAt(i);
                    if (c == '\\'
                            && i + 1 < inner.length()
                            && (inner.charAt(i + 1) == '"' || inner.charAt(i + 1) == '\\')) {
                        out.append(inner.charAt(++i));
                    } else if (c == '\\' || c == '"') {
                        throw new DocsException(file + " line " + line + ": write the subcategory as plain text,"
                                + " or in double quotes with no escapes other than \\\" and \\\\.");
                    } else {
                        out.append(c);
                    }
                }
                return out.toString();
            }
            return inner.replace("''", "'");
        }
        if (value.startsWith("\"") || value.startsWith("'")) {
            throw new DocsException(file + " line " + line + ": the subcategory's closing quote is missing.");
        }
        return value;
    }

    SortedMap<Path, String> guides() {
        return guides;
    }

    Optional<PageAddition> addition(Path page) {
        return Optional.ofNullable(additions.get(page));
    }
}
