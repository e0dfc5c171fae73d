package dev.multikernel.host.mkctl.native_;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs mkctl under {@code strace -f} with fault injection on mount, kexec_file_load and reboot,
 * so those system calls never reach this machine's kernel: strace replaces each with the
 * injected result. {@link #argv} is the only place the command line is built, and it refuses to
 * return one without an injection for every dangerous call.
 */
final class Strace {
    /** Subcommands that make a dangerous system call. */
    static final Set<String> DANGEROUS = Set.of("load", "unload", "exec", "halt", "mount");

    static final List<String> SYSCALLS = List.of("kexec_file_load", "reboot", "mount");

    private final Map<String, String> injections = new LinkedHashMap<>();
    private final List<String> observed = new ArrayList<>();

    private Strace() {
        for (String s : SYSCALLS) {
            injections.put(s, "retval=0");
        }
    }

    /** Every dangerous call succeeds (returns 0) without running. */
    static Strace injectingSuccess() {
        return new Strace();
    }

    /** That call fails with the errno (by name, e.g. "EBUSY") without running. */
    Strace fail(String syscall, String errno) {
        require(syscall);
        assertThat(errno).matches("E[A-Z0-9]+");
        injections.put(syscall, "error=" + errno);
        return this;
    }

    /** That call returns 0 without running, but strace holds its return for the given time. */
    Strace delaySuccess(String syscall, Duration delay) {
        require(syscall);
        injections.put(syscall, "retval=0:delay_exit=" + delay.toNanos() / 1000);
        return this;
    }

    /** Also traces harmless calls (e.g. write), without injecting anything into them. */
    Strace observe(String... syscalls) {
        for (String s : syscalls) {
            assertThat(s).isIn("write", "pwrite64", "openat", "rmdir", "flock");
            observed.add(s);
        }
        return this;
    }

    private static void require(String syscall) {
        assertThat(SYSCALLS).contains(syscall);
    }

    /** The full command line: strace with every injection, then mkctl and its arguments. */
    List<String> argv(Path traceFile, List<String> mkctlArgs) {
        List<String> argv = new ArrayList<>(
                List.of("strace", "-f", "-qq", "-y", "-s", "4096", "-e", "signal=none", "-o", traceFile.toString()));
        List<String> traced = new ArrayList<>(SYSCALLS);
        traced.addAll(observed);
        argv.add("-e");
        argv.add("trace=" + String.join(",", traced));
        for (Map.Entry<String, String> e : injections.entrySet()) {
            argv.add("-e");
            argv.add("inject=" + e.getKey() + ":" + e.getValue());
        }
        argv.add("--");
        argv.add(Mkctl.binary().toString());
        argv.addAll(mkctlArgs);
        assertSafe(argv);
        return argv;
    }

    /** Refuses any command line where a dangerous call could reach the kernel. */
    static void assertSafe(List<String> argv) {
        assertThat(argv.get(0)).isEqualTo("strace");
        assertThat(argv).contains("-f");
        int dashDash = argv.indexOf("--");
        assertThat(dashDash).isPositive();
        List<String> straceArgs = argv.subList(0, dashDash);
        for (String s : SYSCALLS) {
            // the injection "when" clause (if any) must leave no call uninjected
            long covering = straceArgs.stream()
                    .filter(a -> a.startsWith("inject=" + s + ":"))
                    .filter(a -> a.contains("retval=") || a.contains("error="))
                    .count();
            assertThat(covering).as("injection for %s in %s", s, argv).isEqualTo(1);
        }
        // a "when" clause would let the calls it does not select reach the kernel
        assertThat(straceArgs).noneMatch(a -> a.contains(":when="));
    }

    /** One traced call: pid, syscall name, raw arguments (top-level split), return text. */
    record Call(int pid, String name, List<String> args, String result) {
        boolean injected() {
            return result.contains("(INJECTED)");
        }
    }

    record Traced(Mkctl.Result result, List<Call> calls) {
        List<Call> calls(String name) {
            return calls.stream().filter(c -> c.name().equals(name)).toList();
        }
    }

    Traced run(Path workDir, List<String> mkctlArgs, byte[] stdin) throws IOException, InterruptedException {
        Path trace = Files.createTempFile(workDir, "strace", ".txt");
        List<String> argv = argv(trace, mkctlArgs);
        Mkctl.Result r = Mkctl.exec(argv, stdin, Map.of());
        List<Call> calls = parse(Files.readAllLines(trace, StandardCharsets.UTF_8));
        for (Call c : calls) {
            if (SYSCALLS.contains(c.name())) {
                assertThat(c.injected())
                        .as("every dangerous call is injected: %s", c)
                        .isTrue();
            }
        }
        return new Traced(r, calls);
    }

    Traced run(Path workDir, String... mkctlArgs) throws IOException, InterruptedException {
        return run(workDir, List.of(mkctlArgs), new byte[0]);
    }

    private static final Pattern LINE = Pattern.compile("^(\\d+)\\s+([a-z_0-9]+)\\((.*)\\)\\s+=\\s+(.*)$");

    static List<Call> parse(List<String> lines) {
        List<Call> calls = new ArrayList<>();
        for (String line : lines) {
            Matcher m = LINE.matcher(line);
            if (!m.matches()) {
                continue;
            }
            calls.add(new Call(Integer.parseInt(m.group(1)), m.group(2), splitArgs(m.group(3)), m.group(4)));
        }
        return calls;
    }

    /** Splits on top-level ", " outside quotes, <fd paths>, braces and comments. */
    static List<String> splitArgs(String s) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        int depth = 0;
        boolean quoted = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quoted) {
                cur.append(c);
                if (c == '\\' && i + 1 < s.length()) {
                    cur.append(s.charAt(++i));
                } else if (c == '"') {
                    quoted = false;
                }
                continue;
            }
            if (c == '"') {
                quoted = true;
            } else if (c == '<' || c == '{' || c == '[' || c == '(') {
                depth++;
            } else if (c == '>' || c == '}' || c == ']' || c == ')') {
                depth--;
            } else if (c == ',' && depth == 0) {
                out.add(cur.toString().trim());
                cur.setLength(0);
                continue;
            }
            cur.append(c);
        }
        if (cur.length() > 0) {
            out.add(cur.toString().trim());
        }
        return out;
    }

    private static final Map<String, Long> KEXEC_FLAG_NAMES = Map.of(
            "KEXEC_FILE_UNLOAD", 0x1L,
            "KEXEC_FILE_ON_CRASH", 0x2L,
            "KEXEC_FILE_NO_INITRAMFS", 0x4L,
            "KEXEC_FILE_DEBUG", 0x8L,
            "KEXEC_FILE_NO_CMA", 0x10L,
            "KEXEC_FILE_FORCE_DTB", 0x20L);

    /** Decodes strace's rendering of a number or flag set, e.g. "KEXEC_FILE_NO_INITRAMFS|0x70". */
    static long number(String rendered) {
        String s = rendered.replaceAll("/\\*.*?\\*/", "").trim();
        long v = 0;
        for (String part : s.split("\\|")) {
            String p = part.trim();
            if (KEXEC_FLAG_NAMES.containsKey(p)) {
                v |= KEXEC_FLAG_NAMES.get(p);
            } else if (p.startsWith("0x")) {
                v |= Long.parseUnsignedLong(p.substring(2), 16);
            } else if (p.equals("LINUX_REBOOT_MAGIC1")) {
                v |= 0xfee1deadL;
            } else if (p.equals("LINUX_REBOOT_MAGIC2")) {
                v |= 672274793L;
            } else {
                v |= Long.parseLong(p);
            }
        }
        return v;
    }

    /** The path strace -y prints for an fd argument ("4</tmp/x/vmlinuz>"), or empty for -1. */
    static String fdPath(String rendered) {
        int lt = rendered.indexOf('<');
        if (lt < 0) {
            return "";
        }
        return rendered.substring(lt + 1, rendered.length() - 1);
    }
}
