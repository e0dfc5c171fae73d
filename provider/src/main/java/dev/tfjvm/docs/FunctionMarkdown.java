package dev.tfjvm.docs;

import dev.tfjvm.spi.ProviderFunction;
import dev.tfjvm.spi.ProviderFunction.Parameter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The signature, arguments and return type of a provider-defined function. */
final class FunctionMarkdown {
    private FunctionMarkdown() {}

    /** {@code parse_size(size string) number}; a variadic parameter reads {@code ...name type}. */
    static String signature(ProviderFunction f) {
        List<String> params = new ArrayList<>();
        for (Parameter p : f.parameters()) {
            params.add(p.name() + " " + TypeNames.constraint(p.type()));
        }
        f.variadicParameter().ifPresent(p -> params.add("..." + p.name() + " " + TypeNames.constraint(p.type())));
        return f.name() + "(" + String.join(", ", params) + ") " + TypeNames.constraint(f.returnType());
    }

    /** A numbered list of the arguments in call order, or empty when the function takes none. */
    static Optional<String> arguments(ProviderFunction f) {
        List<String> items = new ArrayList<>();
        int n = 1;
        for (Parameter p : f.parameters()) {
            items.add(item(n++, p, false));
        }
        if (f.variadicParameter().isPresent()) {
            items.add(item(n, f.variadicParameter().get(), true));
        }
        return items.isEmpty() ? Optional.empty() : Optional.of(String.join("\n", items));
    }

    private static String item(int n, Parameter p, boolean variadic) {
        StringBuilder item =
                new StringBuilder().append(n).append(". `").append(p.name()).append("` (");
        if (variadic) {
            item.append("Variadic, ");
        }
        item.append(TypeNames.prose(p.type()));
        if (p.allowNull()) {
            item.append(", Nullable");
        }
        item.append(')');
        String text = Markdown.text(p.description());
        if (variadic) {
            text = Markdown.sentences(List.of(text, "Takes any number of values, including none."));
        }
        if (!text.isEmpty()) {
            // Numbered items indent their continuation lines one column further than bullets.
            item.append(' ').append(Markdown.listItemText(text).replace("\n  ", "\n   "));
        }
        return item.toString();
    }
}
