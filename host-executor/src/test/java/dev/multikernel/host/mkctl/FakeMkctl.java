package dev.multikernel.host.mkctl;

import dev.multikernel.host.ssh.LocalHostTransport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A stand-in for mkctl: a shell script that records its arguments and stdin and prints the
 * answer prepared for its subcommand. It does not know {@code session} (it answers as an mkctl from
 * before sessions: a usage error), so clients fall back to one command per call. Run through {@link LocalHostTransport}, so deployment
 * (upload, checksum) is the real code path.
 */
final class FakeMkctl {

    static final String SCRIPT = "#!/bin/sh\n"
            + "# fake mkctl for tests\n"
            + "if [ \"$3\" = session ]; then\n"
            + "  echo x >> \"$FAKE/sessions\"\n"
            + "  echo '{\"error\":{\"operation\":\"session\",\"kind\":\"usage\",\"errno\":null,\"errno_number\":null,"
            + "\"call\":null,\"path\":null,\"message\":\"unknown subcommand session\"}}'\n"
            + "  exit 2\n"
            + "fi\n"
            + "printf '%s\\n' \"$@\" > \"$FAKE/argv\"\n"
            + "cat > \"$FAKE/stdin\"\n"
            + "sub=$3\n"
            + "if [ -e \"$FAKE/answer.$sub\" ]; then cat \"$FAKE/answer.$sub\"; else cat \"$FAKE/answer\"; fi\n"
            + "if [ -e \"$FAKE/status.$sub\" ]; then exit $(cat \"$FAKE/status.$sub\"); fi\n"
            + "exit $(cat \"$FAKE/status\" 2>/dev/null || echo 0)\n";

    final Path dir;
    final Path home;
    final MkctlBinary binary;
    final LocalHostTransport transport;

    FakeMkctl(Path dir) throws IOException {
        this.dir = dir;
        this.home = Files.createDirectories(dir.resolve("home"));
        this.binary = MkctlBinary.of(SCRIPT.getBytes(StandardCharsets.UTF_8));
        this.transport = new LocalHostTransport(home, Map.of("FAKE", dir.toString()), false);
        answer("{}", 0);
    }

    MkctlClient client() {
        return new MkctlClient(transport, new MkctlInstall.Upload(".cache/multikernel", binary), MkctlOptions.DEFAULTS);
    }

    Path installed() {
        return home.resolve(".cache/multikernel").resolve(binary.fileName());
    }

    void answer(String json, int status) throws IOException {
        Files.writeString(dir.resolve("answer"), json + "\n");
        Files.writeString(dir.resolve("status"), Integer.toString(status));
    }

    void answer(String subcommand, String json, int status) throws IOException {
        Files.writeString(dir.resolve("answer." + subcommand), json + "\n");
        Files.writeString(dir.resolve("status." + subcommand), Integer.toString(status));
    }

    List<String> argv() throws IOException {
        return Files.readAllLines(dir.resolve("argv"));
    }

    byte[] stdin() throws IOException {
        return Files.readAllBytes(dir.resolve("stdin"));
    }
}
