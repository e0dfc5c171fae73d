package dev.multikernel.host.ssh;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A {@link ConnectionSpec} after the ssh config and the defaults were applied: everything needed to
 * connect. Two specs that resolve to equal targets share one pooled connection.
 */
record Target(
        String alias,
        String hostName,
        int port,
        String user,
        List<AuthSource> auth,
        HostKeyPolicy hostKeys,
        Optional<Target> jump,
        boolean sudo,
        Timeouts timeouts) {

    Target {
        hostName = hostName.toLowerCase(Locale.ROOT);
        auth = List.copyOf(auth);
    }

    /** Whether privileged commands get {@code sudo -n}. */
    boolean usesSudo() {
        return sudo && !"root".equals(user);
    }

    String describe() {
        return user + "@" + hostName + ":" + port
                + jump.map(j -> " via " + j.describe()).orElse("");
    }
}
