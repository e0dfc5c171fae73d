package dev.tfjvm.docs;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * An examples directory in the registry layout:
 * <pre>
 * provider/provider.tf
 * resources/TYPE/resource.tf, import.sh (terraform import command), import.tf (import block)
 * data-sources/TYPE/data-source.tf
 * functions/NAME/function.tf
 * </pre>
 * Every file is optional. A directory named after a type the provider does not have is an error,
 * so examples cannot outlive what they show.
 */
final class Examples {
    static final String PROVIDER = "provider/provider.tf";
    static final String RESOURCE = "resource.tf";
    static final String IMPORT_COMMAND = "import.sh";
    static final String IMPORT_BLOCK = "import.tf";
    static final String DATA_SOURCE = "data-source.tf";
    static final String FUNCTION = "function.tf";

    private final Path root;

    private Examples(Path root) {
        this.root = root;
    }

    static Examples load(Path root, Set<String> resources, Set<String> dataSources, Set<String> functions)
            throws DocsException {
        checkNames(root, "resources", resources, "resource types");
        checkNames(root, "data-sources", dataSources, "data source types");
        checkNames(root, "functions", functions, "functions");
        return new Examples(root);
    }

    private static void checkNames(Path root, String kind, Set<String> known, String what) throws DocsException {
        List<Path> dirs = SourceFiles.list(root.resolve(kind));
        Set<String> unknown = new TreeSet<>();
        for (Path d : dirs) {
            if (Files.isDirectory(d) && !known.contains(SourceFiles.fileName(d))) {
                unknown.add(SourceFiles.fileName(d));
            }
        }
        if (!unknown.isEmpty()) {
            throw new DocsException("Examples for unknown " + what + " in " + root.resolve(kind) + ": "
                    + String.join(", ", unknown) + ". The provider has: "
                    + (known.isEmpty() ? "none" : String.join(", ", new TreeSet<>(known)))
                    + ". Rename or remove those directories.");
        }
    }

    /** The example at {@code relative} (such as {@code resources/demo_server/resource.tf}), normalized. */
    Optional<String> get(String relative) throws DocsException {
        Path file = root.resolve(relative);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        String text = Markdown.normalize(SourceFiles.read(file));
        return text.isBlank() ? Optional.empty() : Optional.of(text);
    }

    Optional<String> provider() throws DocsException {
        return get(PROVIDER);
    }

    Optional<String> resource(String type, String file) throws DocsException {
        return get("resources/" + type + "/" + file);
    }

    Optional<String> dataSource(String type) throws DocsException {
        return get("data-sources/" + type + "/" + DATA_SOURCE);
    }

    Optional<String> function(String name) throws DocsException {
        return get("functions/" + name + "/" + FUNCTION);
    }
}
