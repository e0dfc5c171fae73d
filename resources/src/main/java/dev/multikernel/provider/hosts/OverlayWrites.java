package dev.multikernel.provider.hosts;

import dev.multikernel.host.devicetree.Fdt;
import dev.multikernel.host.devicetree.multikernel.OverlayOperation;
import dev.multikernel.host.devicetree.multikernel.OverlayOps;
import dev.multikernel.host.mkctl.MkctlClient;
import dev.multikernel.host.mkctl.MkctlException;
import dev.multikernel.host.mkctl.MkctlResult;
import dev.multikernel.host.ssh.HostException;
import dev.multikernel.provider.config.HostAddress;
import dev.tfjvm.spi.ResourceException;
import java.util.List;
import java.util.OptionalInt;

/**
 * Writes one tagged overlay transaction. The kernel reports success on write even when the
 * transaction fails; mkctl finds the transaction and fails with its id, and this class then
 * removes the failed transaction so nothing is left half-applied, and says so.
 */
public final class OverlayWrites {
    private OverlayWrites() {
    }

    /** The {@code mk,resources} tag of transactions written for {@code owner} ({@code pool}, {@code instance:web}, ...). */
    public static String tag(String owner) {
        return "terraform:" + owner;
    }

    /**
     * Applies {@code operations} as one transaction tagged {@code tag}.
     *
     * @param what what the transaction does, for messages ("add CPUs 4-5 to instance \"web\"")
     */
    public static MkctlResult.Transaction apply(HostRegistry hosts, HostAddress host, String tag,
            List<OverlayOperation> operations, String what) throws ResourceException {
        byte[] dtbo = Fdt.write(OverlayOps.toTree(tag, operations));
        return hosts.change(host, client -> {
            try {
                return client.applyOverlay(dtbo).transaction();
            } catch (MkctlException e) {
                if (e.error().flatMap(x -> x.transactionId().isPresent() ? java.util.Optional.of(x)
                        : java.util.Optional.empty()).isEmpty()) {
                    throw e;
                }
                throw rolledBack(client, host, e, what);
            }
        });
    }

    private static ResourceException rolledBack(MkctlClient client, HostAddress host, MkctlException e,
            String what) {
        OptionalInt tx = e.error().map(x -> x.transactionId()).orElse(OptionalInt.empty());
        String reason = e.error().map(x -> x.message()).orElse(e.getMessage());
        try {
            client.removeOverlay(tx.getAsInt());
            return new ResourceException("Host " + host.describe() + " did not " + what,
                    "The kernel failed overlay transaction tx_" + tx.getAsInt() + ": " + reason
                            + " The transaction was rolled back; the host is as it was.");
        } catch (HostException | MkctlException rollback) {
            return new ResourceException("Host " + host.describe() + " did not " + what,
                    "The kernel failed overlay transaction tx_" + tx.getAsInt() + ": " + reason
                            + " Rolling it back failed too (" + rollback.getMessage() + "): remove it with "
                            + "`mkctl overlay-remove --id " + tx.getAsInt() + "` on the host.");
        }
    }
}
