package dev.multikernel.host.state;

import dev.multikernel.host.devicetree.multikernel.OverlayTransaction;

/**
 * One overlay transaction ({@code overlays/tx_N}, current tree only).
 *
 * @param id         N
 * @param status     its status
 * @param statusText the status word as printed
 * @param instance   the target path of its first fragment ({@code /instances/web}) or {@code unknown}
 * @param resources  its root {@code mk,resources} string, or {@code unknown}
 * @param dtbo       the blob that was written, parsed as an overlay transaction
 */
public record TransactionState(
        int id,
        TransactionStatus status,
        String statusText,
        String instance,
        String resources,
        DeviceTreeBlob<OverlayTransaction> dtbo) {}
