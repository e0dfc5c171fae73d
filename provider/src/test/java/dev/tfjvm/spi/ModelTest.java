package dev.tfjvm.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.tfjvm.cty.CtyType;
import dev.tfjvm.schema.Attribute;
import dev.tfjvm.schema.Block;
import dev.tfjvm.schema.Nesting;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ModelTest {
    static final Block BLOCK = Block.builder()
            .attribute(Attribute.string("name").required())
            .attribute(Attribute.string("cpus").optional().computed())
            .attribute(Attribute.number("cpu_count").optional())
            .attribute(Attribute.bool("allow_restart").optional())
            .attribute(Attribute.of("tags", CtyType.map(CtyType.STRING)).optional())
            .attribute(Attribute.nested(
                            "memory",
                            Nesting.LIST,
                            Attribute.string("size").required(),
                            Attribute.number("numa_node").optional())
                    .optional())
            .block(
                    "network",
                    Nesting.SINGLE,
                    Block.builder()
                            .attribute(Attribute.string("mode").optional())
                            .build())
            .build();

    record Memory(String size, Optional<Long> numaNode) {}

    record Network(Optional<String> mode) {}

    record Instance(
            String name,
            Value<String> cpus,
            Optional<Long> cpuCount,
            Optional<Boolean> allowRestart,
            Map<String, String> tags,
            List<Memory> memory,
            Optional<Network> network) {}

    static final Model<Instance> MODEL = Model.of(Instance.class, BLOCK);

    @Test
    void readsEachComponentFromItsAttribute() {
        TfObject o = TfObject.empty(BLOCK)
                .with("name", "web")
                .with("cpu_count", 2L)
                .with("tags", Map.of("team", "a"))
                .withUnknown("cpus")
                .with(
                        "memory",
                        List.of(TfObject.empty(BLOCK)
                                .newNested("memory")
                                .with("size", "1GiB")
                                .with("numa_node", 1L)));

        Instance i = MODEL.read(o);
        assertThat(i.name()).isEqualTo("web");
        assertThat(i.cpus()).isEqualTo(Value.unknown());
        assertThat(i.cpuCount()).contains(2L);
        assertThat(i.allowRestart()).isEmpty();
        assertThat(i.tags()).containsEntry("team", "a");
        assertThat(i.memory()).containsExactly(new Memory("1GiB", Optional.of(1L)));
        assertThat(i.network()).isEmpty();
    }

    @Test
    void writesBackWhatItReads() {
        Instance i = new Instance(
                "db",
                Value.of("4-5"),
                Optional.empty(),
                Optional.of(true),
                Map.of(),
                List.of(new Memory("256MiB", Optional.empty())),
                Optional.of(new Network(Optional.of("bridge"))));
        TfObject o = MODEL.write(i);
        assertThat(o.requireString("cpus")).isEqualTo("4-5");
        assertThat(o.isNull("cpu_count")).isTrue();
        assertThat(o.objects("memory"))
                .singleElement()
                .satisfies(m -> assertThat(m.requireString("size")).isEqualTo("256MiB"));
        assertThat(o.object("network").flatMap(n -> n.string("mode"))).contains("bridge");
        assertThat(MODEL.read(o)).isEqualTo(i);
        assertThat(MODEL.write(new Instance(
                                "db",
                                Value.unknown(),
                                Optional.empty(),
                                Optional.empty(),
                                Map.of(),
                                List.of(),
                                Optional.empty()))
                        .isKnown("cpus"))
                .isFalse();
    }

    @Test
    void anUnknownValueInAnOptionalComponentSaysHowToReadIt() {
        TfObject o = TfObject.empty(BLOCK).with("name", "web").withUnknown("cpu_count");
        assertThatThrownBy(() -> MODEL.read(o))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cpu_count is not known yet")
                .hasMessageContaining("Value<");
    }

    record Misfit(String cpus, Long name, String nmae, Optional<List<Long>> tags) {}

    @Test
    void aRecordThatDoesNotFitItsSchemaIsRefusedWithEveryMismatch() {
        assertThatThrownBy(() -> Model.of(Misfit.class, BLOCK))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Misfit.cpus: cpus can be null, so declare it Optional<...> or Value<...>")
                .hasMessageContaining("Misfit.name: a java.lang.Long cannot hold a string")
                .hasMessageContaining("Misfit.nmae: the schema has no attribute or block named nmae")
                .hasMessageContaining("Misfit.tags: a java.util.List<java.lang.Long> cannot hold a map of string");
    }

    @Test
    void camelCaseNamesTheSnakeCaseAttribute() {
        assertThat(Model.snakeCase("cpuCount")).isEqualTo("cpu_count");
        assertThat(Model.snakeCase("ipv4Address")).isEqualTo("ipv4_address");
        assertThat(Model.snakeCase("name")).isEqualTo("name");
    }
}
