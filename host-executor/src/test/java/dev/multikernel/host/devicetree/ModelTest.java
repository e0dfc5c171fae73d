package dev.multikernel.host.devicetree;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The immutable model: typed property views, lookups, derivation, validation. */
class ModelTest {

    @Test
    void propertyViewsDecodeAndCheckLengths() throws Exception {
        assertThat(Property.u32("a", 1, -1).asU32Cells()).containsExactly(1, -1);
        assertThat(Property.u32("a", 7).asU32()).isEqualTo(7);
        assertThat(Property.u64("b", 0x1_0000_0002L).asU64()).isEqualTo(0x1_0000_0002L);
        assertThat(Property.u64("b", 1, 2).asU64List()).containsExactly(1L, 2L);
        assertThat(Property.u64("b", 5).asU32Cells()).containsExactly(0, 5);
        assertThat(Property.strings("c", "x", "", "yz").asStrings()).containsExactly("x", "", "yz");
        assertThat(Property.string("c", "héllo").asString()).isEqualTo("héllo");
        assertThat(Property.phandle(3).asPhandle()).isEqualTo(3);
        assertThat(Property.empty("e").isEmpty()).isTrue();
        assertThat(Property.bytes("d", (byte) 1, (byte) 2).length()).isEqualTo(2);

        assertThatThrownBy(() -> Property.u64("b", 1).asU32())
                .isInstanceOf(DeviceTreeException.class)
                .hasMessageContaining("\"b\"")
                .hasMessageContaining("length 8");
        assertThatThrownBy(() -> Property.bytes("d", (byte) 1).asU32Cells()).hasMessageContaining("multiple of 4");
        assertThatThrownBy(() -> Property.u32("a", 1, 2, 3).asU64Cells()).hasMessageContaining("multiple of 8");
        assertThat(Property.u32("a", 0x61626300).asString()).isEqualTo("abc");
        assertThatThrownBy(() -> Property.bytes("d", (byte) 'a').asString()).hasMessageContaining("NUL-terminated");
        assertThatThrownBy(() -> Property.strings("c", "x", "y").asString()).hasMessageContaining("2 strings");
        assertThatThrownBy(() -> Property.u32("phandle", 0).asPhandle()).hasMessageContaining("invalid phandle");
        assertThatThrownBy(() -> Property.string("c", "a\0b")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void propertiesAreImmutableValues() {
        byte[] raw = {1, 2, 3};
        Property p = Property.bytes("d", raw);
        raw[0] = 9;
        p.value()[1] = 9;
        assertThat(p.bytes()).containsExactly(1, 2, 3);
        assertThat(p)
                .isEqualTo(Property.bytes("d", (byte) 1, (byte) 2, (byte) 3))
                .hasSameHashCodeAs(Property.bytes("d", (byte) 1, (byte) 2, (byte) 3));
        assertThat(p.toString()).isEqualTo("d=[01 02 03]");
    }

    @Test
    void namesAreValidated() {
        assertThatThrownBy(() -> Property.empty("a/b")).hasMessageContaining("'/'");
        assertThatThrownBy(() -> Property.empty("")).hasMessageContaining("empty");
        assertThatThrownBy(() -> Node.empty("a b")).hasMessageContaining("0x20");
        assertThatThrownBy(() -> new Node("n", List.of(Property.empty("x"), Property.empty("x")), List.of()))
                .hasMessageContaining("twice");
        assertThatThrownBy(() -> DeviceTree.of(Node.empty("root")))
                .hasMessageContaining("root node's name must be empty");
    }

    @Test
    void lookupsAndDerivation() {
        Node root = Node.builder("")
                .child(
                        "resources",
                        r -> r.u32("x", 1)
                                .child("memory@0", m -> m.u64("size", 4096))
                                .child("memory@1", m -> m.u64("size", 8192)))
                .build();
        DeviceTree tree = DeviceTree.of(root);
        assertThat(tree.find("/resources/memory@1")).isPresent();
        assertThat(tree.find("/")).contains(root);
        assertThat(root.find("resources/memory@2")).isEmpty();
        Node res = root.child("resources").orElseThrow();
        assertThat(res.childrenNamed("memory")).extracting(Node::name).containsExactly("memory@0", "memory@1");
        assertThat(res.child("memory@1").orElseThrow().unitAddress()).contains("1");
        assertThat(res.child("memory@1").orElseThrow().baseName()).isEqualTo("memory");
        assertThat(res.property("x")).contains(Property.u32("x", 1));

        Node changed = res.withProperty(Property.u32("x", 2))
                .withProperty(Property.empty("y"))
                .withoutChild("memory@0")
                .withChild(Node.empty("devices"));
        assertThat(changed.properties()).extracting(Property::name).containsExactly("x", "y");
        assertThat(changed.property("x")).contains(Property.u32("x", 2));
        assertThat(changed.children()).extracting(Node::name).containsExactly("memory@1", "devices");
        assertThat(changed.withoutProperty("y").hasProperty("y")).isFalse();
        assertThat(res.property("x")).contains(Property.u32("x", 1)); // original untouched
        assertThat(changed.toBuilder().build()).isEqualTo(changed);
        assertThat(root.subtreeSize()).isEqualTo(4);
        assertThatThrownBy(() -> res.requireProperty("/resources", "nope"))
                .isInstanceOf(DeviceTreeException.class)
                .hasMessageContaining("/resources")
                .hasMessageContaining("nope");
    }
}
