package dev.multikernel.sim.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.multikernel.sim.kernel.InterfaceGeneration;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SshKeysTest {

    @TempDir
    Path tmp;

    @Test
    void aCreatedKeyIsReadBackUnchangedAndOpenSshAgreesOnItsFingerprint() throws IOException {
        Path file = tmp.resolve("key");

        KeyPair created = SshKeys.loadOrCreateEd25519(file, "me@here");
        KeyPair loaded = SshKeys.loadOrCreateEd25519(file, "ignored");

        assertThat(loaded.getPublic().getEncoded())
                .isEqualTo(created.getPublic().getEncoded());
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                .isEqualTo("rw-------");
        assertThat(Files.readString(SshKeys.publicKeyFile(file)))
                .startsWith("ssh-ed25519 ")
                .endsWith(" me@here\n");
        OpenSshClient.Result keygen =
                OpenSshClient.run(List.of("ssh-keygen", "-l", "-f", file.toString()), new byte[0]);
        assertThat(keygen.stdout()).contains(SshKeys.fingerprint(created.getPublic()));
    }

    @Test
    void aDamagedKeyFileIsAnIoErrorThatSaysWhatToDo() throws IOException {
        Path file = Files.writeString(tmp.resolve("key"), "-----BEGIN OPENSSH PRIVATE KEY-----\ngarbage\n");

        assertThatThrownBy(() -> SshKeys.load(file))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("delete it");
    }

    @Test
    void authorizedKeysAreParsedAndBadLinesNamed() throws IOException {
        KeyPair a = SshKeys.loadOrCreateEd25519(tmp.resolve("a"), "");
        String text = "# comment\n\n" + SshKeys.publicKeyLine(a.getPublic(), "a@b") + "\n";

        assertThat(SshKeys.parseAuthorizedKeys(text)).hasSize(1);
        assertThatThrownBy(() -> SshKeys.parseAuthorizedKeys(text + "ssh-ed25519 !!!notbase64\n"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("line 4");
        assertThatThrownBy(() -> SshKeys.parseAuthorizedKeys("hello world\n"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("line 1");
    }

    @Test
    void hostSpecsRejectNamesThatCannotNameFilesOrUsers() {
        assertThatThrownBy(() -> HostSpec.of("../etc", InterfaceGeneration.CURRENT))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not valid");
        assertThatThrownBy(() -> HostSpec.of("ok", InterfaceGeneration.CURRENT).withUsers(List.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HostSpec.of("ok", InterfaceGeneration.CURRENT).withPort(70000))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
