package dev.multikernel.host.mkctl;

import dev.multikernel.host.ssh.LocalHostTransport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A stand-in for an mkctl that knows {@code session}: a shell script that answers one-shot calls as
 * {@link FakeMkctl} does, and in a session answers each single-operation request from the same
 * prepared answers, turned into the session form ({@code {"id":N,...batch answer...}}, the error
 * with {@code batch_index} 0) as docs/mkctl.md describes. It counts what it does in files:
 * {@code sessions} (a line per session started), {@code oneshots} (a line per one-shot call),
 * {@code requests} (each session request line), {@code ended} (a line per session that saw the end
 * of its input). Files that steer it: {@code hello} (the greeting), {@code die} (the next request
 * kills the session without an answer, once), {@code delay} (seconds to sleep before answering),
 * {@code echo-unload} (unload answers echo the id asked for).
 */
final class FakeSessionMkctl {

    static final String SCRIPT = """
            #!/bin/sh
            # fake mkctl with sessions, for tests
            answer_of() {
              if [ -e "$FAKE/answer.$1" ]; then cat "$FAKE/answer.$1"; else cat "$FAKE/answer"; fi
            }
            status_of() {
              if [ -e "$FAKE/status.$1" ]; then cat "$FAKE/status.$1"; else cat "$FAKE/status" 2>/dev/null || echo 0; fi
            }
            unload_answer() {
              echo "{\\"operation\\":\\"unload\\",\\"id\\":$1,\\"flags\\":\\"0x31\\",\\"status\\":\\"ready\\"}"
            }
            if [ "$3" = session ]; then
              echo x >> "$FAKE/sessions"
              if [ -e "$FAKE/hello" ]; then cat "$FAKE/hello"; else
                echo '{"operation":"session","session":1,"contract":1,"version":"0.1.0","mode":"sim"}'; fi
              while IFS= read -r line; do
                printf '%s\\n' "$line" >> "$FAKE/requests"
                if mv "$FAKE/die" "$FAKE/died.$$" 2>/dev/null; then exit 1; fi
                if [ -e "$FAKE/delay" ]; then sleep "$(cat "$FAKE/delay")"; fi
                id=${line#'{"id":'}; id=${id%%,*}
                op=$(printf '%s' "$line" | sed -n 's/^{"id":[0-9]*,"ops":\\[{"op":"\\([a-z0-9-]*\\)".*/\\1/p')
                if [ -e "$FAKE/echo-unload" ] && [ "$op" = unload ]; then
                  k=$(printf '%s' "$line" | sed -n 's/.*"op":"unload","id":\\([0-9]*\\).*/\\1/p')
                  one=$(unload_answer "$k"); st=0
                else
                  one=$(answer_of "$op"); st=$(status_of "$op")
                fi
                if [ "$st" = 0 ]; then
                  printf '{"id":%s,"operation":"batch","completed":1,"total":1,"results":[%s]}\\n' "$id" "$one"
                else
                  inner=${one#'{'}; inner=${inner%'}'}; inner=${inner%'}'}
                  printf '{"id":%s,%s,"batch_index":0},"operation":"batch","completed":0,"total":1,"results":[]}\\n' "$id" "$inner"
                fi
              done
              echo x >> "$FAKE/ended"
              exit 0
            fi
            printf '%s\\n' "$@" > "$FAKE/argv"
            cat > "$FAKE/stdin"
            echo x >> "$FAKE/oneshots"
            sub=$3
            if [ -e "$FAKE/delay" ]; then sleep "$(cat "$FAKE/delay")"; fi
            if [ -e "$FAKE/echo-unload" ] && [ "$sub" = unload ]; then unload_answer "$5"; exit 0; fi
            answer_of "$sub"
            exit "$(status_of "$sub")"
            """;

    final Path dir;
    final Path home;
    final MkctlBinary binary;
    final LocalHostTransport transport;

    FakeSessionMkctl(Path dir) throws IOException {
        this.dir = dir;
        this.home = Files.createDirectories(dir.resolve("home"));
        this.binary = MkctlBinary.of(SCRIPT.getBytes(StandardCharsets.UTF_8));
        this.transport = new LocalHostTransport(home, Map.of("FAKE", dir.toString()), false);
        answer("{}", 0);
    }

    MkctlClient client(MkctlOptions options) {
        return new MkctlClient(transport, new MkctlInstall.Upload(".cache/multikernel", binary), options);
    }

    MkctlClient client() {
        return client(MkctlOptions.DEFAULTS.withSessions(2));
    }

    void answer(String json, int status) throws IOException {
        Files.writeString(dir.resolve("answer"), json + "\n");
        Files.writeString(dir.resolve("status"), Integer.toString(status));
    }

    void answer(String subcommand, String json, int status) throws IOException {
        Files.writeString(dir.resolve("answer." + subcommand), json + "\n");
        Files.writeString(dir.resolve("status." + subcommand), Integer.toString(status));
    }

    void set(String file, String content) throws IOException {
        Files.writeString(dir.resolve(file), content);
    }

    void unset(String file) throws IOException {
        Files.deleteIfExists(dir.resolve(file));
    }

    /** Lines of a counting file (0 when it does not exist). */
    int count(String file) throws IOException {
        return lines(file).size();
    }

    List<String> lines(String file) throws IOException {
        Path p = dir.resolve(file);
        return Files.exists(p) ? Files.readAllLines(p) : List.of();
    }
}
