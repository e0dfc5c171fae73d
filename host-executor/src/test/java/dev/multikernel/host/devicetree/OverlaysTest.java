package dev.multikernel.host.devicetree;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The Overlay view and Overlays.apply, checked against dtc -@ and fdtoverlay. */
class OverlaysTest {

    private static byte[] base(String name) {
        return Dtc.compile(TestResources.text(name), "-@");
    }

    @ParameterizedTest
    @CsvSource({
        "codec/phandles.dts, codec/overlay-path.dts",
        "codec/phandles.dts, codec/overlay-label.dts",
        "mk/baseline.dts, mk/overlay-grow-pool.dts",
        "mk/pool.dts, mk/overlay-grow-pool.dts"
    })
    void applyAgreesWithFdtoverlay(String baseName, String overlayName) throws Exception {
        byte[] base = base(baseName);
        byte[] overlay = base(overlayName);
        DeviceTree expected = Fdt.parse(Dtc.fdtoverlay(base, overlay));
        DeviceTree ours = Overlays.apply(Fdt.parse(base), Fdt.parse(overlay));
        assertThat(DtsPrinter.print(ours)).isEqualTo(DtsPrinter.print(expected));
        assertThat(ours).isEqualTo(expected);
    }

    @Test
    void applyingTwoOverlaysInTurnAgreesWithFdtoverlay() throws Exception {
        byte[] base = base("codec/phandles.dts");
        byte[] first = base("codec/overlay-label.dts");
        byte[] second = base("codec/overlay-path.dts");
        byte[] viaTool = Dtc.fdtoverlay(Dtc.fdtoverlay(base, first), second);
        DeviceTree ours = Overlays.apply(Overlays.apply(Fdt.parse(base), Fdt.parse(first)), Fdt.parse(second));
        assertThat(ours).isEqualTo(Fdt.parse(viaTool));
    }

    @Test
    void aMissingTargetFailsLikeFdtoverlay() throws Exception {
        byte[] base = base("mk/baseline.dts");
        byte[] overlay = base("mk/overlay-create-and-feed.dts"); // targets /instances: not in a baseline
        assertThatThrownBy(() -> Dtc.fdtoverlay(base, overlay))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("fdtoverlay failed");
        assertThatThrownBy(() -> Overlays.apply(Fdt.parse(base), Fdt.parse(overlay)))
                .isInstanceOf(DeviceTreeException.class)
                .hasMessageContaining("/instances")
                .hasMessageContaining("does not exist");
    }

    @Test
    void anUnknownLabelFails() throws Exception {
        byte[] base = Dtc.compile("/dts-v1/;\n/ { a { }; };", "-@");
        byte[] overlay = base("codec/overlay-label.dts");
        assertThatThrownBy(() -> Overlays.apply(Fdt.parse(base), Fdt.parse(overlay)))
                .isInstanceOf(DeviceTreeException.class)
                .hasMessageContaining("intc")
                .hasMessageContaining("__symbols__");
    }

    @Test
    void overlayViewReadsTargetsAndWritesWhatDtcWrites() throws Exception {
        String source = "/dts-v1/;\n/plugin/;\n/ {\n mk,resources = \"tag\";\n"
                + " fragment@0 { target = <&intc>; __overlay__ { extra = <1>; }; };\n"
                + " fragment@1 { target-path = \"/deeper\"; __overlay__ { n { p = \"v\"; }; }; };\n"
                + " fragment@2 { target = <&intc>; __overlay__ { more = <2>; }; };\n};\n";
        byte[] blob = Dtc.compile(source, "-@");
        Overlay overlay = Overlay.read(Fdt.parse(blob));
        assertThat(overlay.fragments())
                .extracting(Overlay.Fragment::target)
                .containsExactly(
                        new Overlay.Target.Label("intc"),
                        new Overlay.Target.Path("/deeper"),
                        new Overlay.Target.Label("intc"));
        assertThat(overlay.rootProperties()).containsExactly(Property.string("mk,resources", "tag"));

        Overlay built = Overlay.builder()
                .rootProperty(Property.string("mk,resources", "tag"))
                .fragment(
                        new Overlay.Target.Label("intc"),
                        Node.builder("__overlay__").u32("extra", 1).build())
                .fragment(
                        "/deeper",
                        Node.builder("x").child("n", n -> n.string("p", "v")).build())
                .fragment(
                        new Overlay.Target.Label("intc"),
                        Node.builder("__overlay__").u32("more", 2).build())
                .build();
        assertThat(built).isEqualTo(overlay);
        assertThat(Fdt.write(built.toTree())).isEqualTo(blob);
        assertThat(built.toTree().isOverlay()).isTrue();
        assertThat(built.fragments().get(1).unitAddress()).contains(1L);
    }

    @Test
    void resolvedPhandleTargetsAreKept() throws Exception {
        Overlay overlay = Overlay.builder()
                .fragment(
                        new Overlay.Target.Phandle(1),
                        Node.builder("__overlay__").u32("x", 1).build())
                .build();
        DeviceTree tree = overlay.toTree();
        assertThat(Overlay.read(tree)).isEqualTo(overlay);
        DeviceTree base = Fdt.parse(Dtc.compile(TestResources.text("codec/phandles.dts")));
        DeviceTree merged = Overlays.apply(base, tree);
        String target = Phandles.resolve(base, 1).orElseThrow();
        assertThat(merged.find(target).orElseThrow().property("x")).contains(Property.u32("x", 1));
    }

    @Test
    void phandlesAreIndexedResolvedAndAllocated() throws Exception {
        DeviceTree tree = Fdt.parse(Dtc.compile(TestResources.text("codec/phandles.dts")));
        assertThat(Phandles.index(tree)).containsOnlyKeys(1, 2);
        assertThat(Phandles.max(tree)).isEqualTo(2);
        Phandles.Allocated existing = Phandles.allocate(tree, "/interrupt-controller");
        assertThat(existing.tree()).isSameAs(tree);
        Phandles.Allocated fresh = Phandles.allocate(tree, "/uart@1000");
        assertThat(fresh.phandle()).isEqualTo(3);
        assertThat(Phandles.resolve(fresh.tree(), 3)).contains("/uart@1000");
        assertThatThrownBy(() -> Phandles.allocate(tree, "/nope"))
                .isInstanceOf(DeviceTreeException.class)
                .hasMessageContaining("/nope");

        DeviceTree clash = DeviceTree.of(Node.builder("")
                .child(Node.builder("a").property(Property.phandle(5)).build())
                .child(Node.builder("b").property(Property.phandle(5)).build())
                .build());
        assertThatThrownBy(() -> Phandles.index(clash))
                .hasMessageContaining("/a")
                .hasMessageContaining("/b");
        assertThat(List.of(Phandles.UNRESOLVED)).containsExactly(-1);
    }
}
