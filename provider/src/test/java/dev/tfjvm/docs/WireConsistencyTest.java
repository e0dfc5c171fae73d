package dev.tfjvm.docs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tfjvm.proto.tfplugin6.Tfplugin6;
import dev.tfjvm.schema.Attribute;
import dev.tfjvm.schema.Block;
import dev.tfjvm.schema.NestedBlock;
import dev.tfjvm.server.ProviderService;
import dev.tfjvm.server.ResourceSchemas;
import dev.tfjvm.spi.Resource;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The schema the pages document is the schema Terraform receives: the same attributes and
 * blocks with the same flags and descriptions, the bridge's {@code timeouts} block included.
 */
class WireConsistencyTest {
    @Test
    void documentedResourceSchemasEqualTheServedOnes() {
        ToyProvider toy = new ToyProvider();
        Tfplugin6.GetProviderSchema.Response served = served(toy);
        for (Resource r : toy.resources()) {
            List<String> documented = new ArrayList<>();
            flatten("", ResourceSchemas.effective(r).block(), documented);
            List<String> wire = new ArrayList<>();
            flatten("", served.getResourceSchemasOrThrow(r.typeName()).getBlock(), wire);
            assertThat(documented).as(r.typeName()).isEqualTo(wire);
        }
        List<String> machine = new ArrayList<>();
        flatten("", ResourceSchemas.effective(new ToyProvider.Machine()).block(), machine);
        assertThat(machine)
                .anyMatch(l -> l.startsWith("timeouts.create "))
                .anyMatch(l -> l.startsWith("timeouts.delete "))
                .noneMatch(l -> l.startsWith("timeouts.read "));
    }

    @Test
    void aResourceWithoutTimeoutsKeepsItsSchema() {
        ToyProvider.Plain plain = new ToyProvider.Plain();
        assertThat(ResourceSchemas.effective(plain)).isEqualTo(plain.schema());
    }

    private static Tfplugin6.GetProviderSchema.Response served(ToyProvider toy) {
        AtomicReference<Tfplugin6.GetProviderSchema.Response> got = new AtomicReference<>();
        new ProviderService(toy)
                .getProviderSchema(Tfplugin6.GetProviderSchema.Request.getDefaultInstance(), new StreamObserver<>() {
                    @Override
                    public void onNext(Tfplugin6.GetProviderSchema.Response value) {
                        got.set(value);
                    }

                    @Override
                    public void onError(Throwable t) {
                        throw new AssertionError(t);
                    }

                    @Override
                    public void onCompleted() {}
                });
        return got.get();
    }

    private static void flatten(String prefix, Block b, List<String> out) {
        out.add(prefix + "(block) " + b.description().text() + " deprecated="
                + b.deprecation().deprecated());
        b.attributes().stream().sorted((x, y) -> x.name().compareTo(y.name())).forEach(a -> attribute(prefix, a, out));
        b.blocks().stream()
                .sorted((x, y) -> x.typeName().compareTo(y.typeName()))
                .forEach(nb -> block(prefix, nb, out));
    }

    private static void attribute(String prefix, Attribute a, List<String> out) {
        out.add(prefix + a.name() + " "
                + flags(
                        a.required(),
                        a.optional(),
                        a.computed(),
                        a.sensitive(),
                        a.writeOnly(),
                        a.deprecation().deprecated())
                + " " + a.description().text());
        a.nested()
                .ifPresent(n -> n.attributes().stream()
                        .sorted((x, y) -> x.name().compareTo(y.name()))
                        .forEach(inner -> attribute(
                                prefix + a.name() + "." + n.nesting().name().toLowerCase() + ".", inner, out)));
    }

    private static void block(String prefix, NestedBlock nb, List<String> out) {
        String p = prefix + nb.typeName() + ".";
        out.add(p + nb.nesting().name().toLowerCase() + " " + nb.minItems() + ".." + nb.maxItems());
        flatten(p, nb.block(), out);
    }

    private static void flatten(String prefix, Tfplugin6.Schema.Block b, List<String> out) {
        out.add(prefix + "(block) " + b.getDescription() + " deprecated=" + b.getDeprecated());
        b.getAttributesList().stream()
                .sorted((x, y) -> x.getName().compareTo(y.getName()))
                .forEach(a -> attribute(prefix, a, out));
        b.getBlockTypesList().stream()
                .sorted((x, y) -> x.getTypeName().compareTo(y.getTypeName()))
                .forEach(nb -> {
                    String p = prefix + nb.getTypeName() + ".";
                    out.add(p + nb.getNesting().name().toLowerCase() + " " + nb.getMinItems() + ".."
                            + nb.getMaxItems());
                    flatten(p, nb.getBlock(), out);
                });
    }

    private static void attribute(String prefix, Tfplugin6.Schema.Attribute a, List<String> out) {
        out.add(prefix + a.getName() + " "
                + flags(
                        a.getRequired(),
                        a.getOptional(),
                        a.getComputed(),
                        a.getSensitive(),
                        a.getWriteOnly(),
                        a.getDeprecated())
                + " " + a.getDescription());
        if (a.hasNestedType()) {
            String mode = a.getNestedType().getNesting().name().toLowerCase();
            a.getNestedType().getAttributesList().stream()
                    .sorted((x, y) -> x.getName().compareTo(y.getName()))
                    .forEach(inner -> attribute(prefix + a.getName() + "." + mode + ".", inner, out));
        }
    }

    private static String flags(boolean... f) {
        StringBuilder s = new StringBuilder();
        for (boolean b : f) {
            s.append(b ? '1' : '0');
        }
        return s.toString();
    }
}
