package dev.tfjvm.docs;

import dev.tfjvm.spi.Provider;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Path;
import java.util.List;
import java.util.SortedMap;

/**
 * Command line for {@link RegistryDocs}:
 * <pre>
 * GenerateDocs --provider-class dev.tfjvm.demo.DemoProvider [--examples examples] [--templates templates]
 *              [--out docs] [--check] [--strict]
 * </pre>
 * Without {@code --check} it writes the pages and deletes stale ones; with it, it only lists the
 * differences. Attributes without a description are listed as warnings ({@code --strict}: as
 * errors). Exit status: 0 up to date (or written), 1 differences found by {@code --check}, 2 bad
 * arguments or input.
 */
public final class GenerateDocs {
    static final String USAGE = """
            Usage: GenerateDocs --provider-class CLASS [--examples DIR] [--templates DIR] [--out DIR] [--check] [--strict]
              --provider-class  a dev.tfjvm.spi.Provider with a public no-argument constructor
              --examples        examples in registry layout (default: examples)
              --templates       guides and page additions (default: templates)
              --out             the docs directory (default: docs)
              --check           list differences instead of writing; exit 1 when there are any
              --strict          fail (exit 2) when an attribute or function parameter has no description""";

    private GenerateDocs() {}

    public static void main(String[] args) {
        int status = run(args, System.out, System.err);
        if (status != 0) {
            System.exit(status);
        }
    }

    /** Runs the command and returns its exit status, printing to {@code out} and {@code err}. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        String providerClass = null;
        Path examples = Path.of("examples");
        Path templates = Path.of("templates");
        Path docs = Path.of("docs");
        boolean check = false;
        boolean strict = false;
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (a.equals("--check")) {
                check = true;
                continue;
            }
            if (a.equals("--strict")) {
                strict = true;
                continue;
            }
            if (a.equals("--help") || a.equals("-h")) {
                out.println(USAGE);
                return 0;
            }
            if (!List.of("--provider-class", "--examples", "--templates", "--out")
                    .contains(a)) {
                err.println("Unknown argument \"" + a + "\".\n" + USAGE);
                return 2;
            }
            if (i + 1 >= args.length) {
                err.println(a + " needs a value.\n" + USAGE);
                return 2;
            }
            String v = args[++i];
            switch (a) {
                case "--provider-class" -> providerClass = v;
                case "--examples" -> examples = Path.of(v);
                case "--templates" -> templates = Path.of(v);
                default -> docs = Path.of(v);
            }
        }
        if (providerClass == null) {
            err.println("--provider-class is required.\n" + USAGE);
            return 2;
        }
        try {
            Provider provider = instantiate(providerClass);
            List<String> undocumented = RegistryDocs.undocumented(provider);
            if (!undocumented.isEmpty()) {
                err.println((strict ? "error: " : "warning: ") + undocumented.size()
                        + " attributes or parameters have no description:");
                undocumented.forEach(u -> err.println("  " + u));
                if (strict) {
                    return 2;
                }
            }
            SortedMap<Path, String> pages = RegistryDocs.generate(provider, examples, templates);
            if (check) {
                List<DocsDifference> diffs = RegistryDocs.compare(pages, docs);
                if (diffs.isEmpty()) {
                    out.println(docs + " is up to date (" + pages.size() + " pages).");
                    return 0;
                }
                err.println(docs + " is not up to date:");
                diffs.forEach(d -> err.println("  " + d));
                return 1;
            }
            List<DocsDifference> changes = RegistryDocs.write(pages, docs);
            for (DocsDifference d : changes) {
                out.println((d.kind() == DocsDifference.Kind.STALE ? "removed " : "wrote ") + docs.resolve(d.path()));
            }
            out.println(docs + ": " + pages.size() + " pages, " + changes.size() + " changed.");
            return 0;
        } catch (DocsException e) {
            err.println(e.getMessage());
            return 2;
        }
    }

    static Provider instantiate(String className) throws DocsException {
        Class<?> type;
        try {
            type = Class.forName(className);
        } catch (ClassNotFoundException | LinkageError e) {
            throw new DocsException(
                    "Cannot load the provider class " + className + " (" + e + "); is it on the class path?", e);
        }
        if (!Provider.class.isAssignableFrom(type)) {
            throw new DocsException(className + " does not implement " + Provider.class.getName() + ".");
        }
        try {
            return (Provider) type.getConstructor().newInstance();
        } catch (NoSuchMethodException e) {
            throw new DocsException(className + " needs a public no-argument constructor to be documented.", e);
        } catch (InvocationTargetException e) {
            throw new DocsException("The constructor of " + className + " failed: " + e.getCause(), e);
        } catch (ReflectiveOperationException e) {
            throw new DocsException("Cannot create " + className + ": " + e, e);
        }
    }
}
