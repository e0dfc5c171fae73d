package dev.multikernel.provider.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class V2InstanceSourceTest {

    @Test
    void readsBothFormsTheKernelPrints() {
        String dts = """
                /dts-v1/;

                /web {
                \tcompatible = "multikernel-v1";
                \tid = <1>;
                \tresources {
                \t\tcpus = [00 00 00 03 00 00 00 02];
                \t\tmemory-bytes = <0x10000000>; // 256 MB
                \t};
                };
                """;
        V2InstanceSource s = V2InstanceSource.parse(dts);
        assertThat(s.cpus()).contains(List.of(2, 3));
        assertThat(s.memoryBytes()).hasValue(256L << 20);

        V2InstanceSource one = V2InstanceSource.parse("\t\tcpus = <5>;\n\t\tmemory-bytes = <4096>;\n");
        assertThat(one.cpus()).contains(List.of(5));
        assertThat(one.memoryBytes()).hasValue(4096);
    }

    @Test
    void whatDoesNotFitIsUnknownNotGuessed() {
        assertThat(V2InstanceSource.parse("/* No instance found */\n")).isEqualTo(V2InstanceSource.UNKNOWN);
        assertThat(V2InstanceSource.parse("cpus = [00 00 02];\n").cpus()).isEmpty();
        assertThat(V2InstanceSource.parse("cpus = <0x99999>;\n").cpus()).isEmpty(); // beyond CPU 8191
        assertThat(V2InstanceSource.parse("cpus = <two>;\n").cpus()).isEmpty();
        assertThat(V2InstanceSource.parse("memory-bytes = [zz 00 00 00];\n").memoryBytes())
                .isEmpty();
        assertThat(V2InstanceSource.parse("x".repeat(V2InstanceSource.MAX_TEXT + 1)))
                .isEqualTo(new V2InstanceSource(Optional.empty(), OptionalLong.empty()));
    }
}
