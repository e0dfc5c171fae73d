package dev.multikernel.host.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.security.KeyPair;
import java.util.List;
import org.apache.sshd.common.config.keys.FilePasswordProvider;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.junit.jupiter.api.Test;

class FingerprintsTest {

    @Test
    void matchesWhatSshKeygenPrints() throws Exception {
        TestKeys keys = TestKeys.get();
        for (Path key : List.of(keys.ed25519, keys.ecdsa, keys.rsa)) {
            KeyPair pair;
            try (var in = java.nio.file.Files.newInputStream(key)) {
                pair = SecurityUtils.loadKeyPairIdentities(null, () -> key.toString(), in, FilePasswordProvider.EMPTY)
                        .iterator()
                        .next();
            }
            assertThat(Fingerprints.sha256(pair.getPublic())).isEqualTo(TestKeys.fingerprintOf(Path.of(key + ".pub")));
            assertThat(Fingerprints.publicKeyLine(pair.getPublic()))
                    .isEqualTo(String.join(
                            " ",
                            java.util.Arrays.copyOf(TestKeys.publicLine(key).split(" "), 2)));
        }
    }

    @Test
    void normalisesUserWrittenFingerprints() {
        String fp = "SHA256:" + "A".repeat(43);
        assertThat(Fingerprints.normalise("sha256:" + "A".repeat(43) + "=")).isEqualTo(fp);
        assertThat(Fingerprints.isSha256Fingerprint(fp)).isTrue();
        assertThat(Fingerprints.isSha256Fingerprint("SHA256:short")).isFalse();
        assertThat(PinnedHostKeys.of(List.of(" " + fp + " ")).fingerprints()).containsExactly(fp);
        assertThatThrownBy(() -> PinnedHostKeys.of(List.of("MD5:aa:bb")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ssh-keygen -lf");
    }
}
