package dev.multikernel.host.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** accept-new records a new host's key, and keeps a note of it for the operation to report. */
class TrustOnFirstUseTest {
    @TempDir
    Path dir;

    private static PublicKey key() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        return g.generateKeyPair().getPublic();
    }

    @Test
    void aRecordedKeyIsNotedOnceForItsFile() throws Exception {
        Path file = dir.resolve("known_hosts");
        TrustOnFirstUse tofu = new TrustOnFirstUse(file, List.of());
        PublicKey key = key();
        assertThat(tofu.verify("10.0.0.5", 2222, key).trusted()).isTrue();
        assertThat(Files.readString(file)).startsWith("[10.0.0.5]:2222 ssh-rsa ");

        assertThat(TrustOnFirstUse.takeRecorded(dir.resolve("other"))).isEmpty();
        assertThat(TrustOnFirstUse.takeRecorded(file))
                .containsExactly(new TrustOnFirstUse.Recorded(
                        "[10.0.0.5]:2222", "ssh-rsa", Fingerprints.sha256(key), file.toAbsolutePath()));
        assertThat(TrustOnFirstUse.takeRecorded(file)).as("reported once").isEmpty();

        assertThat(tofu.verify("10.0.0.5", 2222, key).trusted()).isTrue();
        assertThat(TrustOnFirstUse.takeRecorded(file))
                .as("known now: nothing recorded")
                .isEmpty();
        assertThat(tofu.verify("10.0.0.5", 2222, key())).as("a changed key").isInstanceOf(HostKeyVerdict.Changed.class);
        assertThat(TrustOnFirstUse.takeRecorded(file)).isEmpty();
    }

    @Test
    void theFilesOfAPolicyAreWhatMessagesName() {
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        assertThat(new TrustOnFirstUse(a, List.of(b)).knownHostsFiles()).containsExactly(a.toAbsolutePath(), b);
        assertThat(HostKeyPolicy.knownHosts(List.of(b, a)).knownHostsFiles()).containsExactly(b, a);
        assertThat(HostKeyPolicy.pinned(List.of("SHA256:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU"))
                        .knownHostsFiles())
                .isEmpty();
    }
}
