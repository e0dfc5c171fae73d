package dev.tfjvm.docs;

import dev.tfjvm.schema.Attribute;
import dev.tfjvm.schema.Block;
import dev.tfjvm.schema.NestedBlock;
import dev.tfjvm.server.ResourceSchemas;
import dev.tfjvm.spi.DataSource;
import dev.tfjvm.spi.Provider;
import dev.tfjvm.spi.ProviderFunction;
import dev.tfjvm.spi.Resource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Attributes and function parameters with no description: the pages can only list their names. */
final class Undocumented {
    private Undocumented() {}

    static List<String> of(Provider provider) {
        List<String> out = new ArrayList<>();
        block("provider " + provider.typeName() + ": ", "", provider.schema().block(), out);
        provider.resources().stream()
                .sorted(Comparator.comparing(Resource::typeName))
                .forEach(r -> block(
                        "resource " + r.typeName() + ": ",
                        "",
                        ResourceSchemas.effective(r).block(),
                        out));
        provider.dataSources().stream()
                .sorted(Comparator.comparing(DataSource::typeName))
                .forEach(d -> block(
                        "data source " + d.typeName() + ": ", "", d.schema().block(), out));
        provider.functions().stream()
                .sorted(Comparator.comparing(ProviderFunction::name))
                .forEach(f -> {
                    String where = "function " + f.name() + ": ";
                    if (f.summary().isBlank()) {
                        out.add(where + "summary");
                    }
                    f.parameters().forEach(p -> parameter(where, p, out));
                    f.variadicParameter().ifPresent(p -> parameter(where, p, out));
                });
        return List.copyOf(out);
    }

    private static void parameter(String where, ProviderFunction.Parameter p, List<String> out) {
        if (p.description().text().isBlank()) {
            out.add(where + "parameter " + p.name());
        }
    }

    private static void block(String where, String prefix, Block block, List<String> out) {
        block.attributes().stream()
                .sorted(Comparator.comparing(Attribute::name))
                .forEach(a -> attribute(where, prefix, a, out));
        block.blocks().stream()
                .sorted(Comparator.comparing(NestedBlock::typeName))
                .forEach(b -> block(where, prefix + b.typeName() + ".", b.block(), out));
    }

    private static void attribute(String where, String prefix, Attribute a, List<String> out) {
        if (a.description().text().isBlank()) {
            out.add(where + prefix + a.name());
        }
        a.nested()
                .ifPresent(n -> n.attributes().stream()
                        .sorted(Comparator.comparing(Attribute::name))
                        .forEach(inner -> attribute(where, prefix + a.name() + ".", inner, out)));
    }
}
