package dev.multikernel.host.devicetree;

/**
 * One entry of the FDT memory reservation block ({@code /memreserve/ address size;}).
 *
 * @param address physical start address (unsigned 64-bit)
 * @param size length in bytes (unsigned 64-bit); a zero-size entry cannot be stored because a
 *     zero address and size terminate the block
 */
public record MemoryReservation(long address, long size) {
    public MemoryReservation {
        if (address == 0 && size == 0) {
            throw new IllegalArgumentException(
                    "a reservation of address 0 and size 0 is the block terminator and cannot be stored");
        }
    }
}
