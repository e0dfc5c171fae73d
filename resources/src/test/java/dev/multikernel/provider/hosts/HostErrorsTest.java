package dev.multikernel.provider.hosts;

import static org.assertj.core.api.Assertions.assertThat;

import dev.multikernel.host.ssh.HostKeyRejectedException;
import dev.multikernel.host.ssh.HostKeyVerdict;
import dev.multikernel.provider.config.HostAddress;
import dev.tfjvm.spi.ResourceException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A rejected host key is explained in the provider's own settings, not only in SSH's terms. */
class HostErrorsTest {
    static final HostAddress HOST = HostAddress.parse("10.0.0.5");
    static final String FP = "SHA256:abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG";

    static ResourceException rejected(HostKeyVerdict verdict) {
        return HostErrors.of(
                HOST, new HostKeyRejectedException("10.0.0.5", "SSH host key verification failed", verdict, FP));
    }

    @Test
    void anUnknownHostNamesThePinTheFilesAndThePolicy() {
        ResourceException e = rejected(new HostKeyVerdict.Unknown(List.of("~/.ssh/known_hosts"), List.of()));
        assertThat(e.summary()).isEqualTo("Host key of 10.0.0.5 rejected");
        assertThat(e.detail())
                .startsWith("SSH host key verification failed")
                .contains("host_key_pins = { \"10.0.0.5\" = \"" + FP + "\" }")
                .contains("known_hosts_files")
                .contains("host_key_policy = \"accept-new\"");
    }

    @Test
    void aChangedPinnedKeySaysWhichPinToReplace() {
        ResourceException e = rejected(
                new HostKeyVerdict.Changed(List.of(new HostKeyVerdict.KnownKey("any", "SHA256:old", "pinned"))));
        assertThat(e.detail())
                .contains("pinned in host_key_pins")
                .contains("host_key_pins = { \"10.0.0.5\" = \"" + FP + "\" }");
    }

    @Test
    void aChangedKeyFromAFileIsNotSomethingAcceptNewFixes() {
        ResourceException e = rejected(new HostKeyVerdict.Changed(
                List.of(new HostKeyVerdict.KnownKey("ssh-ed25519", "SHA256:old", "/work/kh/known_hosts:3"))));
        assertThat(e.detail())
                .isEqualTo("SSH host key verification failed\nThe old key is recorded in /work/kh/known_hosts, a"
                        + " known_hosts file of the provider's known_hosts_files: if the change is expected, replace its"
                        + " entry there as shown above, or pin the new key in the provider block with host_key_pins = {"
                        + " \"10.0.0.5\" = \"" + FP + "\" }. host_key_policy = \"accept-new\" does not accept a changed"
                        + " key.");
        assertThat(e.detail()).doesNotContain("~/.ssh/known_hosts");
    }
}
