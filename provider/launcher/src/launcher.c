/*
 * tf-jvm native launcher: the executable Terraform runs for a provider built on the tf-jvm
 * bridge. It hands the launch to the user's provider daemon over a unix socket (starting the
 * daemon when none answers), prints the handshake line the daemon sends on stdout, copies the
 * session's log lines to stderr and exits when the session ends. Terraform killing it closes
 * the socket, which ends the session. Protocol: dev.tfjvm.daemon.Frames.
 *
 * Before the handshake every failure is ONE line on stdout and exit 1: go-plugin shows that
 * line to the user ("Unrecognized remote plugin message: ..."); stderr is seen only in TF_LOG.
 *
 * Layout (written by dev.tfjvm.launcher.InstallLayout):
 *   DIR/terraform-provider-TYPE_vVERSION   this program
 *   DIR/lib/provider.jar                   the provider
 *   DIR/lib/launcher.sh                    the JVM launcher script (flags, CDS archive)
 *   DIR/runtime/bin/java                   a bundled Java runtime (optional)
 */
#define _XOPEN_SOURCE 700
#include "os.h"

#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FRAME (16u << 20)
#define MAX_ENV 4096
#define START_TIMEOUT_MS_DEFAULT 60000

extern char **environ;

static char provider_type[256] = "provider";
static char provider_version[64] = "";

static void fail(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));

static void fail(const char *fmt, ...) {
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    for (char *c = msg; *c; c++) {
        if (*c == '\n' || *c == '\r') {
            *c = ' ';
        }
    }
    char line[2400];
    /* The same words as lib/launcher.sh, whichever of the two fails. */
    int n = snprintf(line, sizeof line, "terraform-provider-%s%s%s cannot start: %s\n", provider_type,
                     provider_version[0] ? " " : "", provider_version, msg);
    if (n > 0) {
        /* stdout only, as the script does: Terraform shows the user that line */
        os_write_full(1, line, strlen(line));
    }
    exit(1);
}

static const char *env(const char *name) {
    const char *v = getenv(name);
    return v != NULL && *v != '\0' ? v : NULL;
}

static int daemon_disabled(void) {
    const char *v = env("TF_JVM_DAEMON");
    return v != NULL && (strcmp(v, "off") == 0 || strcmp(v, "0") == 0 || strcmp(v, "false") == 0 ||
                         strcmp(v, "no") == 0);
}

/* terraform-provider-TYPE_vVERSION -> TYPE and VERSION */
static void set_type(const char *self) {
    const char *base = strrchr(self, '/');
    base = base ? base + 1 : self;
    const char *prefix = "terraform-provider-";
    if (strncmp(base, prefix, strlen(prefix)) == 0) {
        base += strlen(prefix);
    }
    snprintf(provider_type, sizeof provider_type, "%s", base);
    char *v = strstr(provider_type, "_v");
    if (v != NULL) {
        snprintf(provider_version, sizeof provider_version, "%s", v + 2);
        *v = '\0';
    }
}

/* The same order as launcher.sh: a bundled runtime, TF_JVM_JAVA, JAVA_HOME, the PATH. */
static int find_java(const char *dir, char *out, size_t n) {
    char candidate[PATH_MAX];
    char runtime[PATH_MAX];
    snprintf(candidate, sizeof candidate, "%s/runtime", dir);
    if (os_realpath(candidate, runtime, sizeof runtime) == 0) {
        /* A bundled runtime is the one to use: a broken one is an error, never a fallback. */
        char release[PATH_MAX];
        snprintf(candidate, sizeof candidate, "%s/bin/java", runtime);
        snprintf(release, sizeof release, "%s/release", runtime);
        if (!os_is_executable_file(candidate) || !os_is_file(release)) {
            fail("its bundled Java runtime %s/runtime is damaged or unreadable; reinstall the provider", dir);
        }
        return os_realpath(candidate, out, n);
    }
    const char *explicit_java = env("TF_JVM_JAVA");
    if (explicit_java != NULL) {
        if (os_realpath(explicit_java, out, n) != 0 || !os_is_executable_file(out)) {
            fail("TF_JVM_JAVA=%s is not an executable java; point it at Java 17 or newer", explicit_java);
        }
        return 0;
    }
    const char *home = env("JAVA_HOME");
    if (home != NULL) {
        snprintf(candidate, sizeof candidate, "%s/bin/java", home);
        if (os_is_executable_file(candidate)) {
            return os_realpath(candidate, out, n);
        }
    }
    const char *path = env("PATH");
    while (path != NULL && *path) {
        const char *end = strchr(path, ':');
        size_t len = end ? (size_t)(end - path) : strlen(path);
        if (len > 0 && len < sizeof candidate - 6) {
            snprintf(candidate, sizeof candidate, "%.*s/java", (int)len, path);
            if (os_is_executable_file(candidate)) {
                return os_realpath(candidate, out, n);
            }
        }
        path = end ? end + 1 : NULL;
    }
    return -1;
}

/* Major version from JAVA_HOME/release (JAVA_VERSION="17.0.15" or "1.8.0_392"); 0 when unknown. */
static int java_major(const char *java_real) {
    char release[PATH_MAX];
    snprintf(release, sizeof release, "%s", java_real);
    for (int up = 0; up < 2; up++) {
        char *slash = strrchr(release, '/');
        if (slash == NULL) {
            return 0;
        }
        *slash = '\0';
    }
    strncat(release, "/release", sizeof release - strlen(release) - 1);
    char text[8192];
    if (os_read_file(release, 0, text, sizeof text) <= 0) {
        return 0;
    }
    const char *v = strstr(text, "JAVA_VERSION=\"");
    if (v == NULL) {
        return 0;
    }
    v += strlen("JAVA_VERSION=\"");
    int major = atoi(v);
    if (major == 1) {
        const char *dot = strchr(v, '.');
        major = dot ? atoi(dot + 1) : 1;
    }
    return major;
}

static uint64_t fnv1a64(const char *s) {
    uint64_t h = 14695981039346656037ull;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ull;
    }
    return h;
}

static void socket_dir(char *out, size_t n) {
    char err[1024];
    const char *explicit_dir = env("TF_JVM_DAEMON_DIR");
    const char *runtime = env("XDG_RUNTIME_DIR");
    int create_parent = 0;
    if (explicit_dir != NULL) {
        snprintf(out, n, "%s", explicit_dir);
    } else if (runtime != NULL && os_private_dir(runtime, 0, err, sizeof err) == 0) {
        snprintf(out, n, "%s/tf-jvm", runtime);
    } else {
        const char *tmp = env("TMPDIR");
        snprintf(out, n, "%s/tf-jvm-%u", tmp ? tmp : "/tmp", os_uid());
    }
    if (os_private_dir(out, create_parent, err, sizeof err) != 0) {
        fail("%s", err);
    }
}

/* Variables the daemon process itself may see: no credentials of the first launch linger in it. */
static int daemon_env_kept(const char *entry) {
    static const char *const exact[] = {"PATH", "HOME", "USER", "LOGNAME", "LANG", "TZ", "TMPDIR",
                                        "XDG_CACHE_HOME", "XDG_RUNTIME_DIR", "JAVA_HOME", NULL};
    size_t len = strcspn(entry, "=");
    for (int i = 0; exact[i]; i++) {
        if (strlen(exact[i]) == len && strncmp(entry, exact[i], len) == 0) {
            return 1;
        }
    }
    return strncmp(entry, "LC_", 3) == 0 || (strncmp(entry, "TF_JVM_", 7) == 0 && strncmp(entry, "TF_JVM_JAVA=", 12) != 0 &&
                                             strncmp(entry, "TF_JVM_OPTS=", 12) != 0);
}

static long start_daemon(const char *script, const char *java, const char *sock, const char *log) {
    static char *envp[MAX_ENV];
    static char java_entry[PATH_MAX + 16];
    int n = 0;
    for (char **e = environ; *e && n < MAX_ENV - 2; e++) {
        if (daemon_env_kept(*e)) {
            envp[n++] = *e;
        }
    }
    snprintf(java_entry, sizeof java_entry, "TF_JVM_JAVA=%s", java);
    envp[n++] = java_entry;
    /* The script's flags are chosen for a JVM that lives one launch (C1 only); the daemon lives
     * for many, so it gets the full JIT back. The user's TF_JVM_OPTS come after and win. */
    static char opts_entry[8192];
    const char *user_opts = env("TF_JVM_OPTS");
    snprintf(opts_entry, sizeof opts_entry, "TF_JVM_OPTS=-XX:TieredStopAtLevel=4%s%s", user_opts ? " " : "",
             user_opts ? user_opts : "");
    envp[n++] = opts_entry;
    envp[n] = NULL;
    char *argv[] = {(char *)script, "--tfjvm-daemon", (char *)sock, NULL};
    return os_spawn_detached(script, argv, envp, log);
}

/* The first line the failed daemon start wrote to its log, for the one-line error. */
static void daemon_start_error(const char *log, long long offset, char *out, size_t n) {
    char text[8192];
    out[0] = '\0';
    if (os_read_file(log, offset, text, sizeof text) <= 0) {
        return;
    }
    char *line = text;
    while (*line) {
        char *end = strchr(line, '\n');
        if (end) {
            *end = '\0';
        }
        if (strspn(line, " \t\r") != strlen(line)) {
            snprintf(out, n, "%s", line);
            return;
        }
        if (!end) {
            return;
        }
        line = end + 1;
    }
}

static int send_request(int fd) {
    char cwd[PATH_MAX];
    if (os_cwd(cwd, sizeof cwd) != 0) {
        fail("cannot read the working directory; run terraform from a directory that exists");
    }
    size_t len = strlen("tfjvm-launch-1") + 1 + strlen(cwd) + 1;
    for (char **e = environ; *e; e++) {
        len += strlen(*e) + 1;
    }
    if (len > (4u << 20)) {
        fail("the environment is larger than 4 MiB; unset large variables or set TF_JVM_DAEMON=off");
    }
    char *buf = malloc(5 + len);
    if (buf == NULL) {
        fail("out of memory");
    }
    buf[0] = 'R';
    buf[1] = (char)(len >> 24);
    buf[2] = (char)(len >> 16);
    buf[3] = (char)(len >> 8);
    buf[4] = (char)len;
    char *p = buf + 5;
    p += sprintf(p, "tfjvm-launch-1") + 1;
    p += sprintf(p, "%s", cwd) + 1;
    for (char **e = environ; *e; e++) {
        p += sprintf(p, "%s", *e) + 1;
    }
    int r = os_write_full(fd, buf, 5 + len);
    free(buf);
    return r;
}

enum outcome { RETRY, DONE };

/* Serves one session on fd; returns RETRY when the daemon closed before answering anything
 * (it was exiting), else exits the process. */
static enum outcome session(int fd) {
    int answered = 0;
    int handshake = 0;
    long parent = os_parent();
    for (;;) {
        /* Terraform gone (its pipes closed, or this process orphaned): leaving closes the
         * socket, which ends the session in the daemon. */
        int ready = os_wait_readable(fd, 1000);
        if (ready < 0 || os_parent() != parent) {
            exit(1);
        }
        if (ready == 0) {
            continue;
        }
        unsigned char header[5];
        int r = os_read_full(fd, header, sizeof header);
        if (r <= 0) {
            if (!answered) {
                return RETRY;
            }
            if (!handshake) {
                fail("the provider daemon closed the session before the handshake; see its log, or set TF_JVM_DAEMON=off");
            }
            static const char msg[] = "tf-jvm launcher: the provider daemon ended the session unexpectedly\n";
            os_write_full(2, msg, sizeof msg - 1);
            exit(1);
        }
        answered = 1;
        uint32_t len = (uint32_t)header[1] << 24 | (uint32_t)header[2] << 16 | (uint32_t)header[3] << 8 | header[4];
        if (len > MAX_FRAME) {
            fail("the provider daemon sent a %u-byte frame; the launcher and the provider jar do not match, reinstall the provider", len);
        }
        char *payload = malloc(len + 1);
        if (payload == NULL || (len > 0 && os_read_full(fd, payload, len) != 1)) {
            fail("the provider daemon closed the session mid-message; see its log, or set TF_JVM_DAEMON=off");
        }
        payload[len] = '\0';
        switch (header[0]) {
        case 'H':
            payload[len] = '\n';
            if (os_write_full(1, payload, len + 1) != 0) {
                exit(1);
            }
            handshake = 1;
            break;
        case 'L':
            os_write_full(2, payload, len);
            break;
        case 'E':
            if (!handshake) {
                fail("%s", payload);
            }
            os_write_full(2, payload, len);
            os_write_full(2, "\n", 1);
            exit(1);
        case 'X':
            exit(len >= 4 ? ((unsigned char)payload[3]) : 1);
        default:
            fail("the provider daemon sent an unknown message; the launcher and the provider jar do not match, reinstall the provider");
        }
        free(payload);
    }
}

int main(int argc, char **argv) {
    os_ignore_interrupts();
    char self[PATH_MAX], dir[PATH_MAX], jar[PATH_MAX], script[PATH_MAX];
    if (os_self_exe(self, sizeof self) != 0) {
        fail("cannot find its own path in /proc/self/exe");
    }
    set_type(argv[0] != NULL ? argv[0] : self);
    snprintf(dir, sizeof dir, "%s", self);
    char *slash = strrchr(dir, '/');
    if (slash != NULL) {
        *slash = '\0';
    }
    snprintf(jar, sizeof jar, "%s/lib/provider.jar", dir);
    snprintf(script, sizeof script, "%s/lib/launcher.sh", dir);
    if (!os_is_file(jar)) {
        fail("the provider jar %s is missing; reinstall the provider", jar);
    }
    char java[PATH_MAX];
    if (find_java(dir, java, sizeof java) != 0) {
        fail("no Java found; it needs Java 17 or newer: install one, or set JAVA_HOME or TF_JVM_JAVA");
    }
    int major = java_major(java);
    if (major != 0 && major < 17) {
        fail("%s is Java %d, it needs Java 17 or newer: install one, or set JAVA_HOME or TF_JVM_JAVA", java, major);
    }
    if (!os_is_executable_file(script)) {
        fail("the JVM launcher %s is missing; reinstall the provider", script);
    }

    /* Arguments (--debug), no Terraform cookie (run by hand) or the daemon turned off: the JVM
     * runs in this process, as without the daemon. */
    if (argc > 1 || env("TF_PLUGIN_MAGIC_COOKIE") == NULL || daemon_disabled()) {
        static char java_entry[PATH_MAX + 16];
        snprintf(java_entry, sizeof java_entry, "TF_JVM_JAVA=%s", java);
        putenv(java_entry);
        argv[0] = script;
        os_exec(script, argv);
        fail("cannot run %s; reinstall the provider", script);
    }

    char sockdir[PATH_MAX], sock[PATH_MAX], log[PATH_MAX], key[PATH_MAX * 2 + 128];
    socket_dir(sockdir, sizeof sockdir);
    struct os_stamp st;
    if (os_stamp(jar, &st) != 0) {
        fail("cannot read the provider jar %s; reinstall the provider", jar);
    }
    snprintf(key, sizeof key, "%s|%lld|%lld.%lld|%lld|%s", jar, st.size, st.mtime_sec, st.mtime_nsec, st.inode, java);
    snprintf(sock, sizeof sock, "%s/%s-%016llx.sock", sockdir, provider_type, (unsigned long long)fnv1a64(key));
    snprintf(log, sizeof log, "%s/%s-%016llx.log", sockdir, provider_type, (unsigned long long)fnv1a64(key));
    if (strlen(sock) >= 108) {
        fail("the daemon socket path %s is too long for a unix socket; set TF_JVM_DAEMON_DIR to a shorter directory", sock);
    }

    long long timeout = START_TIMEOUT_MS_DEFAULT;
    for (int attempt = 0; attempt < 3; attempt++) {
        int fd = os_connect_unix(sock);
        if (fd < 0) {
            long long offset = os_file_size(log);
            long pid = start_daemon(script, java, sock, log);
            if (pid < 0) {
                fail("cannot start the provider daemon; set TF_JVM_DAEMON=off to run without it");
            }
            long long deadline = os_now_ms() + timeout;
            long long exited_at = 0;
            int wait_ms = 2;
            while ((fd = os_connect_unix(sock)) < 0) {
                int code = 0;
                if (exited_at == 0 && os_child_exited(pid, &code) == 1) {
                    if (code != 0) {
                        char why[1024];
                        daemon_start_error(log, offset, why, sizeof why);
                        fail("the provider daemon did not start: %s (log: %s; TF_JVM_DAEMON=off runs without it)",
                             why[0] ? why : "no output", log);
                    }
                    /* exit 0: another daemon holds the socket name; it answers soon, or is
                     * leaving (idle, or its socket removed), and then a new one is started. */
                    exited_at = os_now_ms();
                }
                if (exited_at != 0 && os_now_ms() - exited_at > 500) {
                    offset = os_file_size(log);
                    pid = start_daemon(script, java, sock, log);
                    if (pid < 0) {
                        fail("cannot start the provider daemon; set TF_JVM_DAEMON=off to run without it");
                    }
                    exited_at = 0;
                }
                if (os_now_ms() > deadline) {
                    fail("the provider daemon did not answer within %lld s (log: %s); set TF_JVM_DAEMON=off to run without it",
                         timeout / 1000, log);
                }
                os_sleep_ms(wait_ms);
                if (wait_ms < 20) {
                    wait_ms += 2;
                }
            }
        }
        if (send_request(fd) == 0 && session(fd) == DONE) {
            return 0;
        }
        os_close(fd);
    }
    fail("the provider daemon keeps closing connections (log: %s); set TF_JVM_DAEMON=off to run without it", log);
}
