package dev.tfjvm.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tfjvm.cty.CtyPath;
import dev.tfjvm.cty.CtyType;
import dev.tfjvm.diag.Diagnostic;
import dev.tfjvm.schema.Attribute;
import dev.tfjvm.schema.Block;
import dev.tfjvm.schema.Nesting;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class DiagnosticPlacementTest {
    static final Block SCHEMA = Block.builder()
            .attribute(Attribute.string("name").required())
            .attribute(Attribute.of("tags", CtyType.map(CtyType.STRING)).optional())
            .attribute(Attribute.nested(
                            "memory", Nesting.LIST, Attribute.string("size").required())
                    .optional())
            .attribute(Attribute.nested(
                            "boot", Nesting.SINGLE, Attribute.string("kernel").required())
                    .optional())
            .block(
                    "disk",
                    Nesting.LIST,
                    Block.builder()
                            .attribute(Attribute.string("label").required())
                            .attribute(Attribute.nested(
                                            "parts",
                                            Nesting.MAP,
                                            Attribute.number("size").required())
                                    .optional())
                            .build())
            .block(
                    "network",
                    Nesting.SINGLE,
                    Block.builder()
                            .attribute(Attribute.string("mode").optional())
                            .build())
            .build();

    static CtyPath placed(CtyPath p) {
        return DiagnosticPlacement.placeable(SCHEMA, p);
    }

    @Test
    void pathsTerraformCanFollowAreKept() {
        CtyPath name = CtyPath.ROOT.attr("name");
        CtyPath tag = CtyPath.ROOT.attr("tags").key("team");
        CtyPath label = CtyPath.ROOT.attr("disk").index(1).attr("label");
        CtyPath mode = CtyPath.ROOT.attr("network").attr("mode");
        CtyPath element = CtyPath.ROOT.attr("memory").index(0);
        for (CtyPath p : new CtyPath[] {name, tag, label, mode, element, CtyPath.ROOT}) {
            assertThat(placed(p)).as(p.toString()).isEqualTo(p);
        }
    }

    @Test
    void aPathIntoANestedAttributeStopsAtItsElement() {
        assertThat(placed(CtyPath.ROOT.attr("memory").index(0).attr("size")))
                .isEqualTo(CtyPath.ROOT.attr("memory").index(0));
        assertThat(placed(CtyPath.ROOT.attr("boot").attr("kernel"))).isEqualTo(CtyPath.ROOT.attr("boot"));
        assertThat(placed(CtyPath.ROOT
                        .attr("disk")
                        .index(2)
                        .attr("parts")
                        .key("root")
                        .attr("size")))
                .isEqualTo(CtyPath.ROOT.attr("disk").index(2).attr("parts").key("root"));
    }

    @Test
    void theDiagnosticKeepsItsTextAndSeverity() {
        Diagnostic d = Diagnostic.error(
                CtyPath.ROOT.attr("memory").index(3).attr("size"), "Invalid size in memory[3].size", "x");
        Diagnostic placed = DiagnosticPlacement.place(d, Optional.of(SCHEMA));
        assertThat(placed.path()).contains(CtyPath.ROOT.attr("memory").index(3));
        assertThat(placed.summary()).isEqualTo(d.summary());
        assertThat(placed.severity()).isEqualTo(d.severity());
        assertThat(DiagnosticPlacement.place(d, Optional.empty())).isSameAs(d);
    }
}
