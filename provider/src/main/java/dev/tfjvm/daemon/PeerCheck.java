package dev.tfjvm.daemon;

import dev.tfjvm.log.Log;
import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;

/**
 * The daemon serves only its own user: the kernel's SO_PEERCRED of the connecting process,
 * not anything the peer says, is compared with the daemon's uid. The socket directory's
 * permissions already keep others out; this holds even if they are loosened.
 */
final class PeerCheck {
    private static final Log LOG = Log.get("daemon");

    private PeerCheck() {}

    static boolean sameUser(SocketChannel channel) {
        try {
            UnixDomainPrincipal peer = channel.getOption(ExtendedSocketOptions.SO_PEERCRED);
            UserPrincipal self = Files.getOwner(Path.of("/proc/self"));
            if (peer.user().equals(self)) {
                return true;
            }
            LOG.warn(
                    "refused a connection from another user",
                    "peer",
                    peer.user().getName(),
                    "daemon_user",
                    self.getName());
        } catch (IOException | UnsupportedOperationException e) {
            LOG.warn("refused a connection whose peer cannot be identified", "error", e.getMessage());
        }
        return false;
    }
}
