package dev.multikernel.host.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class KnownHostsFileTest {

    /** A syntactically valid ssh-ed25519 blob: string "ssh-ed25519" then a 32-byte key. */
    static String blob(int seed) {
        byte[] type = "ssh-ed25519".getBytes(StandardCharsets.US_ASCII);
        byte[] b = new byte[4 + type.length + 4 + 32];
        b[3] = (byte) type.length;
        System.arraycopy(type, 0, b, 4, type.length);
        b[4 + type.length + 3] = 32;
        for (int i = 0; i < 32; i++) {
            b[b.length - 32 + i] = (byte) (seed + i);
        }
        return Base64.getEncoder().encodeToString(b);
    }

    static KnownHostsFile parse(String text) {
        return KnownHostsFile.parse(Path.of("kh"), text);
    }

    @Test
    void matchesPlainNamesAndPortsAsOpenSshLooksThemUp() {
        KnownHostsFile f = parse("web1.example.com,10.0.0.5 ssh-ed25519 " + blob(1) + " comment\n"
                + "[10.0.0.5]:2222 ssh-ed25519 " + blob(2) + "\n");
        KnownHostsFile.Entry plain = f.entries().get(0);
        KnownHostsFile.Entry ported = f.entries().get(1);
        assertThat(plain.matches("WEB1.example.com", 22)).isTrue();
        assertThat(plain.matches("10.0.0.5", 22)).isTrue();
        assertThat(plain.matches("10.0.0.5", 2222)).isFalse();
        assertThat(ported.matches("10.0.0.5", 2222)).isTrue();
        assertThat(ported.matches("10.0.0.5", 22)).isFalse();
        assertThat(plain.origin()).isEqualTo("kh:1");
    }

    @Test
    void wildcardsAndNegations() {
        KnownHostsFile.Entry e = parse("*.example.com,!bad.example.com,db?.internal ssh-ed25519 " + blob(3))
                .entries()
                .get(0);
        assertThat(e.matches("a.example.com", 22)).isTrue();
        assertThat(e.matches("bad.example.com", 22)).isFalse();
        assertThat(e.matches("db1.internal", 22)).isTrue();
        assertThat(e.matches("db12.internal", 22)).isFalse();
        assertThat(e.matches("example.com", 22)).isFalse();
        assertThat(KnownHostsFile.wildcardMatches("*a*a*a*a*a*b", "a".repeat(5000)))
                .isFalse();
    }

    @Test
    void hashedNames() throws Exception {
        byte[] salt = new byte[20];
        for (int i = 0; i < salt.length; i++) {
            salt[i] = (byte) (i * 7);
        }
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec(salt, "HmacSHA1"));
        byte[] hash = mac.doFinal("[10.1.2.3]:2200".getBytes(StandardCharsets.UTF_8));
        String hosts = "|1|" + Base64.getEncoder().encodeToString(salt) + "|"
                + Base64.getEncoder().encodeToString(hash);
        KnownHostsFile.Entry e =
                parse(hosts + " ssh-ed25519 " + blob(4)).entries().get(0);
        assertThat(e.matches("10.1.2.3", 2200)).isTrue();
        assertThat(e.matches("10.1.2.3", 22)).isFalse();
        assertThat(e.matches("10.1.2.4", 2200)).isFalse();
    }

    @Test
    void markersAndDamagedLines() {
        KnownHostsFile f = parse("@revoked * ssh-ed25519 " + blob(5) + "\n"
                + "@cert-authority *.example.com ssh-ed25519 " + blob(6) + "\n"
                + "@bogus host ssh-ed25519 " + blob(7) + "\n"
                + "host ssh-ed25519 not-base64!!\n"
                + "host ssh-rsa " + blob(8) + "\n"
                + "host-only\n"
                + "# comment\n\n");
        assertThat(f.entries())
                .extracting(KnownHostsFile.Entry::marker)
                .containsExactly(KnownHostsFile.Marker.REVOKED, KnownHostsFile.Marker.CERT_AUTHORITY);
        // bad marker, bad base64, key type that disagrees with the blob, missing fields
        assertThat(f.skippedLines()).isEqualTo(4);
        assertThat(f.describe()).contains("4 unreadable lines skipped");
    }

    @Test
    void appendedLinesUseTheLookupName() {
        byte[] key = Base64.getDecoder().decode(blob(9));
        assertThat(KnownHostsFile.lineFor("Host.Example", 22, "ssh-ed25519", key))
                .startsWith("host.example ssh-ed25519 ");
        assertThat(KnownHostsFile.lineFor("10.0.0.1", 2022, "ssh-ed25519", key)).startsWith("[10.0.0.1]:2022 ");
        KnownHostsFile.Entry back = parse(KnownHostsFile.lineFor("10.0.0.1", 2022, "ssh-ed25519", key))
                .entries()
                .get(0);
        assertThat(back.matches("10.0.0.1", 2022)).isTrue();
        assertThat(back.fingerprint()).isEqualTo(Fingerprints.sha256(key));
    }
}
