package dev.multikernel.provider.plan;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class FreeMemoryTest {
    @Test
    void reserveSplitsAndReleaseMerges() {
        FreeMemory f = new FreeMemory(List.of(MemoryChunk.of(0x1000, 0x10000, 0)));
        f.reserve(MemoryChunk.of(0x4000, 0x2000, 0));
        assertThat(f.gaps()).containsExactly(MemoryChunk.of(0x1000, 0x3000, 0), MemoryChunk.of(0x6000, 0xb000, 0));
        assertThat(f.largest(OptionalInt.empty())).isEqualTo(0xb000);
        f.release(MemoryChunk.of(0x4000, 0x2000, 0));
        assertThat(f.gaps()).containsExactly(MemoryChunk.of(0x1000, 0x10000, 0));
    }

    @Test
    void contiguousTakeNeedsOneGapFragmentedDoesNot() {
        FreeMemory f = new FreeMemory(List.of(MemoryChunk.of(0, 0x2000), MemoryChunk.of(0x10000, 0x2000)));
        assertThat(f.take(0x3000, OptionalInt.empty(), true)).isEmpty();
        assertThat(f.take(0x3000, OptionalInt.empty(), false))
                .hasValueSatisfying(
                        l -> assertThat(l).containsExactly(MemoryChunk.of(0, 0x2000), MemoryChunk.of(0x10000, 0x1000)));
        assertThat(f.total()).isEqualTo(0x1000);
    }

    @Test
    void takeHonoursTheNode() {
        FreeMemory f = new FreeMemory(List.of(MemoryChunk.of(0, 0x2000, 0), MemoryChunk.of(0x10000, 0x4000, 1)));
        assertThat(f.take(0x3000, OptionalInt.of(0), true)).isEmpty();
        assertThat(f.take(0x3000, OptionalInt.of(1), true))
                .hasValueSatisfying(l -> assertThat(l).containsExactly(MemoryChunk.of(0x10000, 0x3000, 1)));
        assertThat(f.freeByNode()).containsEntry(0, 0x2000L).containsEntry(1, 0x1000L);
    }
}
