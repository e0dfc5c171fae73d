package dev.multikernel.host.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ShellTest {

    @Test
    void safeArgumentsStayReadable() {
        assertThat(Shell.quote("/usr/bin/mkctl")).isEqualTo("/usr/bin/mkctl");
        assertThat(Shell.quote("--id=3")).isEqualTo("--id=3");
        assertThat(Shell.quote("")).isEqualTo("''");
        assertThat(Shell.quote("a b")).isEqualTo("'a b'");
    }

    @Test
    void theShellGetsBackExactlyTheArguments() {
        List<String> nasty = List.of(
                "it's",
                "$(touch /tmp/pwned)",
                "`id`",
                "a\"b",
                "semi;colon",
                "new\nline",
                "back\\slash",
                "*",
                "~root",
                "-n",
                "tab\there",
                "ünï");
        String out = Cmd.ok(List.of("/bin/sh", "-c", "printf '%s\\0' " + Shell.join(nasty)), Map.of(), null);
        assertThat(out.split("\0", -1)).containsExactlyElementsOf(concat(nasty, ""));
    }

    private static List<String> concat(List<String> a, String last) {
        java.util.ArrayList<String> l = new java.util.ArrayList<>(a);
        l.add(last);
        return l;
    }

    @Test
    void nulCannotBePassed() {
        assertThatThrownBy(() -> Shell.quote("a\0b")).isInstanceOf(IllegalArgumentException.class);
    }
}
