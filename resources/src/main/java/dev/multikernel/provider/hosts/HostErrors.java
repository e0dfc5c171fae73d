package dev.multikernel.provider.hosts;

import dev.multikernel.host.mkctl.MkctlException;
import dev.multikernel.host.ssh.AuthenticationFailedException;
import dev.multikernel.host.ssh.CommandTimeoutException;
import dev.multikernel.host.ssh.ConnectionLostException;
import dev.multikernel.host.ssh.HostException;
import dev.multikernel.host.ssh.HostKeyRejectedException;
import dev.multikernel.host.ssh.HostKeyVerdict;
import dev.multikernel.host.ssh.HostUnreachableException;
import dev.multikernel.host.ssh.LocalConfigurationException;
import dev.multikernel.host.ssh.PrivilegeException;
import dev.multikernel.provider.config.HostAddress;
import dev.tfjvm.spi.ResourceException;

/**
 * Turns the executor's failures into what Terraform shows: a summary naming the host and the kind
 * of failure, and the executor's message (which says what to do) as the detail. A failure to reach
 * a host is always an error: nothing here ever reads as "the object is gone".
 */
public final class HostErrors {
    private HostErrors() {}

    public static ResourceException of(HostAddress host, HostException e) {
        String h = host.describe();
        String summary;
        if (e instanceof HostKeyRejectedException) {
            summary = "Host key of " + h + " rejected";
        } else if (e instanceof HostUnreachableException) {
            summary = "Cannot reach host " + h;
        } else if (e instanceof AuthenticationFailedException) {
            summary = "Cannot log in to host " + h;
        } else if (e instanceof LocalConfigurationException) {
            summary = "Cannot set up the SSH connection to " + h;
        } else if (e instanceof ConnectionLostException) {
            summary = "Connection to host " + h + " lost";
        } else if (e instanceof CommandTimeoutException) {
            summary = "Command on host " + h + " timed out";
        } else if (e instanceof PrivilegeException) {
            summary = "Not privileged on host " + h;
        } else {
            summary = "Command failed on host " + h;
        }
        String detail =
                e instanceof HostKeyRejectedException k ? e.getMessage() + configurationHint(host, k) : e.getMessage();
        return new ResourceException(summary, detail, e);
    }

    /**
     * The executor's message speaks SSH (known_hosts, fingerprints); this says which provider
     * settings do what it suggests, so the fix can be written in HCL.
     */
    static String configurationHint(HostAddress host, HostKeyRejectedException e) {
        String pin = "host_key_pins = { \"" + host.address() + "\" = \"" + e.presentedFingerprint() + "\" }";
        HostKeyVerdict verdict = e.verdict();
        if (verdict instanceof HostKeyVerdict.Unknown) {
            return "\nIn the provider block: pin it with " + pin + ", or name a file that has it in"
                    + " known_hosts_files, or (knowingly) set host_key_policy = \"accept-new\".";
        }
        if (verdict instanceof HostKeyVerdict.Changed c) {
            if (c.expected().stream().anyMatch(k -> "pinned".equals(k.origin()))) {
                return "\nThe expected key is pinned in host_key_pins of the provider block: if the change is"
                        + " expected, write " + pin + ".";
            }
            String files = c.expected().stream()
                    .map(k -> k.origin().replaceFirst(":\\d+$", ""))
                    .distinct()
                    .collect(java.util.stream.Collectors.joining(", "));
            return "\nThe old key is recorded in " + files + ", a known_hosts file of the provider's"
                    + " known_hosts_files: if the change is expected, replace its entry there as shown above, or pin"
                    + " the new key in the provider block with " + pin + ". host_key_policy = \"accept-new\" does"
                    + " not accept a changed key.";
        }
        return ""; // revoked: no setting should let it through
    }

    public static ResourceException of(HostAddress host, MkctlException e) {
        return new ResourceException("The multikernel helper failed on host " + host.describe(), e.getMessage(), e);
    }
}
