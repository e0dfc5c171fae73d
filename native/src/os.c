/*
 * The one file where mkctl touches the OS. See os.h and docs/mkctl.md ("Sim mode").
 */
#define _GNU_SOURCE
#include "os.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define REAL_MULTIKERNEL_DIR "/sys/fs/multikernel"
#define SIM_PROTOCOL_VERSION "1"
#define SIM_REPLY_TIMEOUT_S 660 /* the simulator may delay replies up to 10 min on purpose */
#define SIM_MAX_PAYLOAD (16u << 20)
#define LINUX_REBOOT_MAGIC1 0xfee1deadu
#define LINUX_REBOOT_MAGIC2 672274793

static int sim_mode;
static char sim_socket[sizeof(((struct sockaddr_un *)0)->sun_path)];
static int sim_fd = -1;
static char sysfs_root[PATH_MAX] = "/sys";
static char procfs_root[PATH_MAX] = "/proc";
static int lock_fd = -1;
static int test_roots; /* --sysfs-root or --procfs-root given: a test, see guard_dangerous() */

/* ------------------------------------------------------------------ failures */

static int failf(os_fail *f, int err, const char *call, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

static int failf(os_fail *f, int err, const char *call, const char *path, const char *fmt, ...) {
    f->err = err;
    f->transport = 0;
    f->timed_out = 0;
    f->call = call;
    snprintf(f->path, sizeof f->path, "%s", path ? path : "");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(f->message, sizeof f->message, fmt, ap);
    va_end(ap);
    return -1;
}

/* A failed system call: message "<call> <path>: <strerror>". */
static int fail_sys(os_fail *f, const char *call, const char *path) {
    int e = errno;
    if (path && *path) {
        return failf(f, e, call, path, "%s %s: %s", call, path, strerror(e));
    }
    return failf(f, e, call, path, "%s: %s", call, strerror(e));
}

static int fail_transport(os_fail *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int fail_transport(os_fail *f, const char *fmt, ...) {
    f->err = 0;
    f->transport = 1;
    f->timed_out = 0;
    f->call = "sim";
    snprintf(f->path, sizeof f->path, "%s", sim_socket);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(f->message, sizeof f->message, fmt, ap);
    va_end(ap);
    return -1;
}

/* ------------------------------------------------------------------ errno names */

static const struct {
    int number;
    const char *name;
} ERRNO_NAMES[] = {
    {EPERM, "EPERM"}, {ENOENT, "ENOENT"}, {ESRCH, "ESRCH"}, {EINTR, "EINTR"}, {EIO, "EIO"},
    {ENXIO, "ENXIO"}, {E2BIG, "E2BIG"}, {ENOEXEC, "ENOEXEC"}, {EBADF, "EBADF"}, {ECHILD, "ECHILD"},
    {EAGAIN, "EAGAIN"}, {ENOMEM, "ENOMEM"}, {EACCES, "EACCES"}, {EFAULT, "EFAULT"},
    {ENOTBLK, "ENOTBLK"}, {EBUSY, "EBUSY"}, {EEXIST, "EEXIST"}, {EXDEV, "EXDEV"},
    {ENODEV, "ENODEV"}, {ENOTDIR, "ENOTDIR"}, {EISDIR, "EISDIR"}, {EINVAL, "EINVAL"},
    {ENFILE, "ENFILE"}, {EMFILE, "EMFILE"}, {ENOTTY, "ENOTTY"}, {ETXTBSY, "ETXTBSY"},
    {EFBIG, "EFBIG"}, {ENOSPC, "ENOSPC"}, {ESPIPE, "ESPIPE"}, {EROFS, "EROFS"},
    {EMLINK, "EMLINK"}, {EPIPE, "EPIPE"}, {EDOM, "EDOM"}, {ERANGE, "ERANGE"},
    {EDEADLK, "EDEADLK"}, {ENAMETOOLONG, "ENAMETOOLONG"}, {ENOLCK, "ENOLCK"},
    {ENOSYS, "ENOSYS"}, {ENOTEMPTY, "ENOTEMPTY"}, {ELOOP, "ELOOP"}, {ENOMSG, "ENOMSG"},
    {ENODATA, "ENODATA"}, {ETIME, "ETIME"}, {ENOLINK, "ENOLINK"}, {EPROTO, "EPROTO"},
    {EBADMSG, "EBADMSG"}, {EOVERFLOW, "EOVERFLOW"}, {EILSEQ, "EILSEQ"}, {ENOTSOCK, "ENOTSOCK"},
    {EMSGSIZE, "EMSGSIZE"}, {EPROTONOSUPPORT, "EPROTONOSUPPORT"}, {EOPNOTSUPP, "EOPNOTSUPP"},
    {EADDRINUSE, "EADDRINUSE"}, {EADDRNOTAVAIL, "EADDRNOTAVAIL"}, {ENETDOWN, "ENETDOWN"},
    {ECONNRESET, "ECONNRESET"}, {ENOBUFS, "ENOBUFS"}, {ETIMEDOUT, "ETIMEDOUT"},
    {ECONNREFUSED, "ECONNREFUSED"}, {EHOSTUNREACH, "EHOSTUNREACH"}, {EALREADY, "EALREADY"},
    {EINPROGRESS, "EINPROGRESS"}, {ESTALE, "ESTALE"}, {EDQUOT, "EDQUOT"},
    {ECANCELED, "ECANCELED"}, {ENOKEY, "ENOKEY"}, {EKEYEXPIRED, "EKEYEXPIRED"},
    {EKEYREVOKED, "EKEYREVOKED"}, {EKEYREJECTED, "EKEYREJECTED"}, {EOWNERDEAD, "EOWNERDEAD"},
    {ENOTRECOVERABLE, "ENOTRECOVERABLE"}, {ERFKILL, "ERFKILL"}, {EHWPOISON, "EHWPOISON"},
};

const char *os_errno_name(int err) {
    for (size_t i = 0; i < sizeof ERRNO_NAMES / sizeof ERRNO_NAMES[0]; i++) {
        if (ERRNO_NAMES[i].number == err) {
            return ERRNO_NAMES[i].name;
        }
    }
    return NULL;
}

/* ------------------------------------------------------------------ paths */

static int starts_with_dir(const char *path, const char *dir, const char **rest) {
    size_t n = strlen(dir);
    if (strncmp(path, dir, n) == 0 && (path[n] == '\0' || path[n] == '/')) {
        *rest = path + n;
        return 1;
    }
    return 0;
}

void os_host_path(const char *canonical, char *out, size_t n) {
    const char *rest;
    if (!sim_mode && starts_with_dir(canonical, "/sys", &rest)) {
        snprintf(out, n, "%s%s", sysfs_root, rest);
    } else if (!sim_mode && starts_with_dir(canonical, "/proc", &rest)) {
        snprintf(out, n, "%s%s", procfs_root, rest);
    } else {
        snprintf(out, n, "%s", canonical);
    }
}

/* ------------------------------------------------------------------ sim transport */

typedef struct {
    int fd;
    char rbuf[8192];
    size_t rpos;
    size_t rlen;
} sim_conn;

static sim_conn conn;

/* Percent-encoding of the simulator protocol: 0x21..0x7E except '%' stay, the rest is %XX. */
static void sim_encode(buf *b, const void *data, size_t len) {
    static const char HEX[] = "0123456789ABCDEF";
    const unsigned char *p = data;
    if (len == 0) {
        buf_putc(b, '%');
        return;
    }
    for (size_t i = 0; i < len; i++) {
        unsigned c = p[i];
        if (c >= 0x21 && c <= 0x7e && c != '%') {
            buf_putc(b, (char)c);
        } else {
            char e[3] = {'%', HEX[c >> 4], HEX[c & 15]};
            buf_append(b, e, 3);
        }
    }
}

static int hexval(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static void sim_decode(const char *field, char *out, size_t n) {
    size_t o = 0;
    if (strcmp(field, "%") == 0) {
        field = "";
    }
    for (size_t i = 0; field[i] && o + 1 < n; i++) {
        if (field[i] == '%' && hexval(field[i + 1]) >= 0 && hexval(field[i + 2]) >= 0) {
            char c = (char)(hexval(field[i + 1]) << 4 | hexval(field[i + 2]));
            out[o++] = c ? c : '?';
            i += 2;
        } else {
            out[o++] = field[i];
        }
    }
    out[o] = '\0';
}

static int sim_send_all(const void *data, size_t len, os_fail *f) {
    const char *p = data;
    while (len > 0) {
        ssize_t w = send(conn.fd, p, len, MSG_NOSIGNAL);
        if (w < 0) {
            if (errno == EINTR) {
                continue;
            }
            return fail_transport(f, "sending to the simulator at %s failed: %s", sim_socket, strerror(errno));
        }
        p += w;
        len -= (size_t)w;
    }
    return 0;
}

static int sim_fill(os_fail *f) {
    while (1) {
        ssize_t r = recv(conn.fd, conn.rbuf, sizeof conn.rbuf, 0);
        if (r < 0 && errno == EINTR) {
            continue;
        }
        if (r < 0) {
            if (errno == EAGAIN || errno == EWOULDBLOCK) {
                return fail_transport(f, "the simulator at %s did not answer within %d s", sim_socket,
                                      SIM_REPLY_TIMEOUT_S);
            }
            return fail_transport(f, "reading from the simulator at %s failed: %s", sim_socket, strerror(errno));
        }
        if (r == 0) {
            return fail_transport(f, "the simulator at %s closed the connection", sim_socket);
        }
        conn.rpos = 0;
        conn.rlen = (size_t)r;
        return 0;
    }
}

static int sim_read_line(char *line, size_t n, os_fail *f) {
    size_t o = 0;
    while (1) {
        if (conn.rpos == conn.rlen && sim_fill(f)) {
            return -1;
        }
        char c = conn.rbuf[conn.rpos++];
        if (c == '\n') {
            line[o] = '\0';
            return 0;
        }
        if (o + 1 >= n) {
            return fail_transport(f, "the simulator sent a reply header longer than %zu bytes", n);
        }
        line[o++] = c;
    }
}

static int sim_read_payload(buf *out, size_t len, os_fail *f) {
    while (len > 0) {
        if (conn.rpos == conn.rlen && sim_fill(f)) {
            return -1;
        }
        size_t take = conn.rlen - conn.rpos;
        if (take > len) {
            take = len;
        }
        if (out) {
            buf_append(out, conn.rbuf + conn.rpos, take);
        }
        conn.rpos += take;
        len -= take;
    }
    return 0;
}

/*
 * Sends one request (header fields already encoded, then an optional payload) and reads the
 * reply. OK: the payload goes to *out (if given). ERR: a kernel error in *f (call, path set).
 * BAD or anything else: a transport failure.
 */
static int sim_call(const buf *header, const void *payload, size_t plen, buf *out, const char *call,
                    const char *path, os_fail *f) {
    if (sim_send_all(header->data, header->len, f) || sim_send_all("\n", 1, f) ||
        (plen && sim_send_all(payload, plen, f))) {
        return -1;
    }
    char line[8192];
    if (sim_read_line(line, sizeof line, f)) {
        return -1;
    }
    if (strncmp(line, "OK ", 3) == 0) {
        long long len;
        if (parse_int_range(line + 3, 0, SIM_MAX_PAYLOAD, &len)) {
            return fail_transport(f, "the simulator sent a bad OK header '%.100s'", line);
        }
        return sim_read_payload(out, (size_t)len, f);
    }
    if (strncmp(line, "ERR ", 4) == 0) {
        char *save = NULL;
        char *num = strtok_r(line + 4, " ", &save);
        char *name = strtok_r(NULL, " ", &save);
        char *msg = strtok_r(NULL, " ", &save);
        long long e;
        if (!num || !name || parse_int_range(num, 1, 4095, &e)) {
            return fail_transport(f, "the simulator sent a bad ERR header");
        }
        char text[900];
        char detail[920] = "";
        sim_decode(msg ? msg : "%", text, sizeof text);
        if (*text) {
            snprintf(detail, sizeof detail, " (%s)", text);
        }
        if (path && *path) {
            return failf(f, (int)e, call, path, "%s %s: %s%s", call, path, strerror((int)e), detail);
        }
        return failf(f, (int)e, call, path, "%s: %s%s", call, strerror((int)e), detail);
    }
    if (strncmp(line, "BAD ", 4) == 0) {
        char text[900];
        sim_decode(line + 4, text, sizeof text);
        return fail_transport(f, "the simulator rejected a request from mkctl (protocol bug): %s", text);
    }
    return fail_transport(f, "the simulator sent an unknown reply '%.100s'", line);
}

static void header_path(buf *h, const char *verb, const char *path) {
    buf_clear(h);
    buf_puts(h, verb);
    buf_putc(h, ' ');
    sim_encode(h, path, strlen(path));
}

/* Connects and checks that the peer is the simulator (INFO handshake). */
static int sim_connect(os_fail *f) {
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return fail_transport(f, "cannot create a unix socket: %s", strerror(errno));
    }
    struct sockaddr_un addr;
    memset(&addr, 0, sizeof addr);
    addr.sun_family = AF_UNIX;
    memcpy(addr.sun_path, sim_socket, strlen(sim_socket));
    if (connect(fd, (struct sockaddr *)&addr, sizeof addr) < 0) {
        int e = errno;
        close(fd);
        return fail_transport(f, "cannot connect to the simulator at %s: %s (is it running?)", sim_socket,
                              strerror(e));
    }
    struct timeval tv = {SIM_REPLY_TIMEOUT_S, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (sim_fd >= 0 && sim_fd != fd) {
        close(sim_fd); /* a session reconnecting after the simulator dropped it */
    }
    conn.fd = fd;
    conn.rpos = conn.rlen = 0;
    sim_fd = fd;

    buf h, info;
    buf_init(&h);
    buf_init(&info);
    buf_puts(&h, "INFO");
    int r = sim_call(&h, NULL, 0, &info, "sim", sim_socket, f);
    buf_free(&h);
    if (r) {
        buf_free(&info);
        if (!f->transport) {
            return fail_transport(f, "the peer at %s refused INFO; it is not the multikernel simulator", sim_socket);
        }
        return -1;
    }
    int protocol_ok = 0, generation_ok = 0;
    char *save = NULL;
    for (char *l = info.data ? strtok_r(info.data, "\n", &save) : NULL; l; l = strtok_r(NULL, "\n", &save)) {
        if (strcmp(l, "protocol=" SIM_PROTOCOL_VERSION) == 0) {
            protocol_ok = 1;
        } else if (strncmp(l, "generation=", 11) == 0 && l[11]) {
            generation_ok = 1;
        }
    }
    buf_free(&info);
    if (!protocol_ok || !generation_ok) {
        return fail_transport(f, "the peer at %s does not identify as the multikernel simulator speaking protocol "
                              SIM_PROTOCOL_VERSION, sim_socket);
    }
    return 0;
}

/* ------------------------------------------------------------------ init */

int os_init(const char *sysfs, const char *procfs, os_fail *f) {
    memset(f, 0, sizeof *f);
    const char *sock = getenv("MKCTL_SIM_SOCKET");
    if (!sock || !*sock) {
        sim_mode = 0;
        test_roots = sysfs || procfs;
        if (sysfs) {
            snprintf(sysfs_root, sizeof sysfs_root, "%s", sysfs);
        }
        if (procfs) {
            snprintf(procfs_root, sizeof procfs_root, "%s", procfs);
        }
        return 0;
    }
    /* Sim mode: every rule of docs/mkctl.md "Sim mode" must hold; there is no fallback. */
    sim_mode = 1;
    snprintf(sim_socket, sizeof sim_socket, "%.*s", (int)(sizeof sim_socket - 1), sock);
    if (strlen(sock) >= sizeof sim_socket || sock[0] != '/') {
        return fail_transport(f, "MKCTL_SIM_SOCKET must be an absolute path shorter than %zu bytes",
                              sizeof sim_socket);
    }
    if (sysfs || procfs) {
        return fail_transport(f, "--sysfs-root and --procfs-root are real-mode test aids; they cannot be "
                              "combined with MKCTL_SIM_SOCKET");
    }
    struct stat st;
    if (stat(REAL_MULTIKERNEL_DIR, &st) == 0) {
        return fail_transport(f, "refusing sim mode: this machine has a real %s (unset MKCTL_SIM_SOCKET to "
                              "manage the real kernel)", REAL_MULTIKERNEL_DIR);
    }
    if (stat(sim_socket, &st) != 0) {
        return fail_transport(f, "MKCTL_SIM_SOCKET %s: %s", sim_socket, strerror(errno));
    }
    if (!S_ISSOCK(st.st_mode)) {
        return fail_transport(f, "MKCTL_SIM_SOCKET %s is not a unix socket", sim_socket);
    }
    return sim_connect(f);
}

int os_is_sim(void) {
    return sim_mode;
}

const char *os_mode_name(void) {
    return sim_mode ? "sim" : "real";
}

/* ------------------------------------------------------------------ files */

static int read_local(const char *hp, int flags, buf *out, size_t max, os_fail *f);

int os_read_file(const char *path, buf *out, size_t max, os_fail *f) {
    char hp[PATH_MAX];
    os_host_path(path, hp, sizeof hp);
    buf_clear(out);
    buf_append(out, "", 0);
    if (sim_mode) {
        buf h;
        buf_init(&h);
        header_path(&h, "READ", path);
        int r = sim_call(&h, NULL, 0, out, "read", path, f);
        buf_free(&h);
        if (r == 0 && out->len > max) {
            return failf(f, EFBIG, "read", path, "read %s: larger than %zu bytes", path, max);
        }
        return r;
    }
    return read_local(hp, O_RDONLY | O_CLOEXEC, out, max, f);
}

/* Reads a whole local file (path as given, never rewritten). */
static int read_local(const char *hp, int flags, buf *out, size_t max, os_fail *f) {
    buf_clear(out);
    buf_append(out, "", 0);
    int fd = open(hp, flags);
    if (fd < 0) {
        return fail_sys(f, "open", hp);
    }
    char chunk[65536];
    while (1) {
        ssize_t n = read(fd, chunk, sizeof chunk);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            fail_sys(f, "read", hp);
            close(fd);
            return -1;
        }
        if (n == 0) {
            break;
        }
        if (out->len + (size_t)n > max) {
            close(fd);
            return failf(f, EFBIG, "read", hp, "read %s: larger than %zu bytes", hp, max);
        }
        buf_append(out, chunk, (size_t)n);
    }
    close(fd);
    return 0;
}

int os_write_once(const char *path, const void *data, size_t len, size_t *written, os_fail *f) {
    char hp[PATH_MAX];
    os_host_path(path, hp, sizeof hp);
    *written = 0;
    if (sim_mode) {
        buf h;
        buf_init(&h);
        header_path(&h, "WRITE", path);
        buf_printf(&h, " %zu", len);
        int r = sim_call(&h, data, len, NULL, "write", path, f);
        buf_free(&h);
        if (r == 0) {
            *written = len;
        }
        return r;
    }
    /* O_TRUNC as a shell redirection or kerf's open("wb"): kernfs ignores it, plain files need it. */
    int fd = open(hp, O_WRONLY | O_TRUNC | O_CLOEXEC);
    if (fd < 0) {
        return fail_sys(f, "open", hp);
    }
    ssize_t w;
    do {
        w = write(fd, data, len);
    } while (w < 0 && errno == EINTR);
    if (w < 0) {
        fail_sys(f, "write", hp);
        close(fd);
        return -1;
    }
    *written = (size_t)w;
    /* kernfs reports some errors only at release; close() failing counts as a failed write. */
    if (close(fd) < 0 && errno != EINTR) {
        return fail_sys(f, "write", hp);
    }
    return 0;
}

int os_list_dir(const char *path, strlist *out, os_fail *f) {
    char hp[PATH_MAX];
    os_host_path(path, hp, sizeof hp);
    if (sim_mode) {
        buf h, payload;
        buf_init(&h);
        buf_init(&payload);
        header_path(&h, "LIST", path);
        int r = sim_call(&h, NULL, 0, &payload, "readdir", path, f);
        buf_free(&h);
        if (r == 0) {
            size_t start = 0;
            for (size_t i = 0; i < payload.len; i++) {
                if (payload.data[i] == '\0') {
                    if (i > start) {
                        strlist_add(out, payload.data + start);
                    }
                    start = i + 1;
                }
            }
        }
        buf_free(&payload);
        return r;
    }
    DIR *d = opendir(hp);
    if (!d) {
        return fail_sys(f, "open", hp);
    }
    while (1) {
        errno = 0;
        struct dirent *e = readdir(d);
        if (!e) {
            if (errno) {
                fail_sys(f, "readdir", hp);
                closedir(d);
                return -1;
            }
            break;
        }
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) {
            continue;
        }
        strlist_add(out, e->d_name);
    }
    closedir(d);
    return 0;
}

int os_exists(const char *path, int *exists, os_fail *f) {
    *exists = 0;
    if (sim_mode) {
        /* The protocol has no stat: list the parent and look for the name. */
        const char *slash = strrchr(path, '/');
        if (!slash || slash == path) {
            *exists = 1;
            return 0;
        }
        char parent[PATH_MAX];
        snprintf(parent, sizeof parent, "%.*s", (int)(slash - path), path);
        strlist names;
        strlist_init(&names);
        if (os_list_dir(parent, &names, f)) {
            strlist_free(&names);
            if (f->err == ENOENT || f->err == ENOTDIR) {
                return 0;
            }
            return -1;
        }
        *exists = strlist_contains(&names, slash + 1);
        strlist_free(&names);
        return 0;
    }
    char hp[PATH_MAX];
    os_host_path(path, hp, sizeof hp);
    struct stat st;
    if (stat(hp, &st) == 0) {
        *exists = 1;
        return 0;
    }
    if (errno == ENOENT || errno == ENOTDIR) {
        return 0;
    }
    return fail_sys(f, "stat", hp);
}

int os_rmdir(const char *path, os_fail *f) {
    char hp[PATH_MAX];
    os_host_path(path, hp, sizeof hp);
    if (sim_mode) {
        buf h;
        buf_init(&h);
        header_path(&h, "RMDIR", path);
        int r = sim_call(&h, NULL, 0, NULL, "rmdir", path, f);
        buf_free(&h);
        return r;
    }
    if (rmdir(hp) < 0) {
        return fail_sys(f, "rmdir", hp);
    }
    return 0;
}

static int guard_dangerous(const char *call, os_fail *f);

int os_mount_multikernel(os_fail *f) {
    char hp[PATH_MAX];
    os_host_path(REAL_MULTIKERNEL_DIR, hp, sizeof hp);
    if (sim_mode) {
        buf h;
        buf_init(&h);
        buf_puts(&h, "MOUNT none ");
        sim_encode(&h, hp, strlen(hp));
        buf_puts(&h, " multikernel 0 0");
        int r = sim_call(&h, NULL, 0, NULL, "mount", hp, f);
        buf_free(&h);
        return r;
    }
    if (guard_dangerous("mount", f)) {
        return -1;
    }
    if (mount("none", hp, "multikernel", 0, NULL) < 0) {
        return fail_sys(f, "mount", hp);
    }
    return 0;
}

/* ------------------------------------------------------------------ kexec and reboot */

/*
 * Test roots mean a test: there, mount, kexec_file_load and reboot are made only when a tracer
 * is attached (the tests run mkctl under strace with fault injection, so the calls never reach
 * the kernel). A test that forgot strace gets EPERM instead of a real syscall.
 */
static int guard_dangerous(const char *call, os_fail *f) {
    if (!test_roots) {
        return 0;
    }
    long tracer = 0;
    FILE *st = fopen("/proc/self/status", "re");
    if (st) {
        char line[256];
        while (fgets(line, sizeof line, st)) {
            if (strncmp(line, "TracerPid:", 10) == 0) {
                tracer = strtol(line + 10, NULL, 10);
                break;
            }
        }
        fclose(st);
    }
    if (tracer > 0) {
        return 0;
    }
    return failf(f, EPERM, call, NULL,
                 "refusing a real %s: --sysfs-root/--procfs-root mean a test, and tests make this call only "
                 "under strace with fault injection", call);
}

/* Opens an image read-only (both modes: the same open errors everywhere). */
static int open_image(const char *path, int *fd, os_fail *f) {
    *fd = open(path, O_RDONLY | O_CLOEXEC);
    if (*fd < 0) {
        return fail_sys(f, "open", path);
    }
    return 0;
}

static void header_optional_path(buf *h, const char *path) {
    buf_putc(h, ' ');
    if (!path) {
        buf_putc(h, '-');
        return;
    }
    char abs[PATH_MAX];
    if (!realpath(path, abs)) {
        snprintf(abs, sizeof abs, "%s", path);
    }
    sim_encode(h, abs, strlen(abs));
}

int os_kexec_load(const char *kernel, const char *initrd, const char *cmdline, unsigned long flags, os_fail *f) {
    int kfd = -1, ifd = -1;
    if (open_image(kernel, &kfd, f)) {
        return -1;
    }
    if (initrd && open_image(initrd, &ifd, f)) {
        close(kfd);
        return -1;
    }
    size_t cmdlen = strlen(cmdline) + 1;
    int r;
    if (sim_mode) {
        close(kfd);
        if (ifd >= 0) {
            close(ifd);
        }
        buf h;
        buf_init(&h);
        buf_puts(&h, "KEXEC_FILE_LOAD");
        header_optional_path(&h, kernel);
        header_optional_path(&h, initrd);
        buf_printf(&h, " 0x%lx %zu", flags, cmdlen);
        r = sim_call(&h, cmdline, cmdlen, NULL, "kexec_file_load", kernel, f);
        buf_free(&h);
        return r;
    }
    if (guard_dangerous("kexec_file_load", f)) {
        close(kfd);
        if (ifd >= 0) {
            close(ifd);
        }
        return -1;
    }
    long rc = syscall(SYS_kexec_file_load, kfd, ifd, cmdlen, cmdline, flags);
    r = 0;
    if (rc < 0) {
        int e = errno;
        r = failf(f, e, "kexec_file_load", kernel, "kexec_file_load(flags 0x%lx) failed: %s", flags, strerror(e));
    }
    close(kfd);
    if (ifd >= 0) {
        close(ifd);
    }
    return r;
}

int os_kexec_unload(unsigned long flags, os_fail *f) {
    if (sim_mode) {
        buf h;
        buf_init(&h);
        buf_printf(&h, "KEXEC_FILE_LOAD - - 0x%lx 0", flags);
        int r = sim_call(&h, NULL, 0, NULL, "kexec_file_load", NULL, f);
        buf_free(&h);
        return r;
    }
    if (guard_dangerous("kexec_file_load", f)) {
        return -1;
    }
    if (syscall(SYS_kexec_file_load, -1, -1, 0UL, NULL, flags) < 0) {
        int e = errno;
        return failf(f, e, "kexec_file_load", NULL, "kexec_file_load(unload, flags 0x%lx) failed: %s", flags,
                     strerror(e));
    }
    return 0;
}

int os_reboot_mk(unsigned int cmd, int mk_id, os_fail *f) {
    if (sim_mode) {
        buf h;
        buf_init(&h);
        buf_printf(&h, "REBOOT 0x%x %d 0x%x %d", LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2, cmd, mk_id);
        int r = sim_call(&h, NULL, 0, NULL, "reboot", NULL, f);
        buf_free(&h);
        return r;
    }
    if (guard_dangerous("reboot", f)) {
        return -1;
    }
    /* The kernel reads struct { int mk_id; } through the pointer. */
    int arg = mk_id;
    if (syscall(SYS_reboot, LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2, cmd, &arg) < 0) {
        int e = errno;
        return failf(f, e, "reboot", NULL, "reboot(cmd 0x%x, id %d) failed: %s", cmd, mk_id, strerror(e));
    }
    return 0;
}

/* What the halt child reports through its pipe. */
typedef struct {
    int rc;
    int err;
    int transport;
    char message[1024];
} child_result;

static long long now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int os_reboot_mk_timed(unsigned int cmd, int mk_id, int timeout_ms, os_fail *f) {
    int p[2];
    if (pipe2(p, O_CLOEXEC) < 0) {
        return fail_sys(f, "pipe", NULL);
    }
    pid_t pid = fork();
    if (pid < 0) {
        int e = errno;
        close(p[0]);
        close(p[1]);
        errno = e;
        return fail_sys(f, "fork", NULL);
    }
    if (pid == 0) {
        /* Child: never keep the lock alive past the parent, never share its socket. */
        close(p[0]);
        if (lock_fd >= 0) {
            close(lock_fd);
        }
        child_result res;
        memset(&res, 0, sizeof res);
        os_fail cf;
        memset(&cf, 0, sizeof cf);
        int r = 0;
        if (sim_mode) {
            close(sim_fd);
            r = sim_connect(&cf);
        }
        if (r == 0) {
            r = os_reboot_mk(cmd, mk_id, &cf);
        }
        res.rc = r;
        res.err = cf.err;
        res.transport = cf.transport;
        snprintf(res.message, sizeof res.message, "%s", cf.message);
        ssize_t ignored = write(p[1], &res, sizeof res);
        (void)ignored;
        _exit(0);
    }
    close(p[1]);
    long long deadline = now_ms() + timeout_ms;
    child_result res;
    size_t got = 0;
    int timed_out = 0;
    while (got < sizeof res) {
        long long left = deadline - now_ms();
        if (left <= 0) {
            timed_out = 1;
            break;
        }
        struct pollfd pf = {p[0], POLLIN, 0};
        int pr = poll(&pf, 1, (int)left);
        if (pr < 0 && errno == EINTR) {
            continue;
        }
        if (pr == 0) {
            timed_out = 1;
            break;
        }
        ssize_t n = read(p[0], (char *)&res + got, sizeof res - got);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            break;
        }
        got += (size_t)n;
    }
    close(p[0]);
    if (timed_out) {
        kill(pid, SIGKILL);
        waitpid(pid, NULL, WNOHANG);
        failf(f, 0, "reboot", NULL, "reboot(cmd 0x%x, id %d) did not return within %d ms", cmd, mk_id, timeout_ms);
        f->timed_out = 1;
        return -1;
    }
    waitpid(pid, NULL, 0);
    if (got != sizeof res) {
        return failf(f, EIO, "reboot", NULL, "the process making reboot(cmd 0x%x, id %d) died without an answer",
                     cmd, mk_id);
    }
    if (res.rc == 0) {
        return 0;
    }
    if (res.transport) {
        return fail_transport(f, "%s", res.message);
    }
    return failf(f, res.err, "reboot", NULL, "%s", res.message);
}

/* ------------------------------------------------------------------ lock */

const char *os_default_lock_path(void) {
    static char path[PATH_MAX];
    if (sim_mode) {
        snprintf(path, sizeof path, "%s.lock", sim_socket);
        return path;
    }
    return "/run/mkctl.lock";
}

int os_lock(const char *path, int exclusive, int timeout_ms, os_fail *f) {
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0 && (errno == EACCES || errno == EROFS) && !exclusive) {
        fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    }
    if (fd < 0) {
        return fail_sys(f, "open", path);
    }
    long long deadline = now_ms() + timeout_ms;
    while (1) {
        if (flock(fd, (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB) == 0) {
            lock_fd = fd;
            return 0;
        }
        if (errno != EWOULDBLOCK && errno != EINTR) {
            fail_sys(f, "flock", path);
            close(fd);
            return -1;
        }
        if (now_ms() >= deadline) {
            close(fd);
            failf(f, 0, "flock", path, "another mkctl holds the lock %s; gave up after %d s", path,
                  timeout_ms / 1000);
            f->timed_out = 1;
            return -1;
        }
        struct timespec ts = {0, 50 * 1000000L};
        nanosleep(&ts, NULL);
    }
}

void os_unlock(void) {
    if (lock_fd >= 0) {
        close(lock_fd);
        lock_fd = -1;
    }
}

/* ------------------------------------------------------------------ local files (CPU map cache) */

const char *os_default_cpu_cache_dir(void) {
    static char dir[PATH_MAX];
    if (sim_mode) {
        /* The directory holding the socket: private to the simulated host (or shared by
         * several, whose files differ by boot id). */
        snprintf(dir, sizeof dir, "%s", sim_socket);
        char *slash = strrchr(dir, '/');
        if (slash == dir) {
            slash[1] = '\0';
        } else if (slash) {
            *slash = '\0';
        }
        return dir;
    }
    if (test_roots) {
        return NULL; /* a test: never touch the real /run unless asked to */
    }
    return "/run/multikernel";
}

int os_local_read(const char *path, buf *out, size_t max, os_fail *f) {
    return read_local(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW, out, max, f);
}

/* mkdir -p with mode 0755 for the missing components. */
static int make_dirs(const char *dir, os_fail *f) {
    char p[PATH_MAX];
    if (snprintf(p, sizeof p, "%s", dir) >= (int)sizeof p) {
        return failf(f, ENAMETOOLONG, "mkdir", dir, "mkdir %s: path too long", dir);
    }
    for (char *s = p + 1;; s++) {
        if (*s == '/' || *s == '\0') {
            char c = *s;
            *s = '\0';
            if (mkdir(p, 0755) != 0 && errno != EEXIST) {
                return fail_sys(f, "mkdir", p);
            }
            *s = c;
            if (c == '\0') {
                break;
            }
        }
    }
    struct stat st;
    if (stat(dir, &st) != 0) {
        return fail_sys(f, "stat", dir);
    }
    if (!S_ISDIR(st.st_mode)) {
        return failf(f, ENOTDIR, "mkdir", dir, "%s is not a directory", dir);
    }
    return 0;
}

int os_local_replace(const char *dir, const char *name, const void *data, size_t len, os_fail *f) {
    if (make_dirs(dir, f)) {
        return -1;
    }
    char path[PATH_MAX], tmp[PATH_MAX];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    snprintf(tmp, sizeof tmp, "%s/.%s.%ld.tmp", dir, name, (long)getpid());
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0 && errno == EEXIST) {
        /* left behind by a process with our pid that died: ours to replace */
        unlink(tmp);
        fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    }
    if (fd < 0) {
        return fail_sys(f, "open", tmp);
    }
    const char *p = data;
    size_t left = len;
    while (left > 0) {
        ssize_t n = write(fd, p, left);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n <= 0) {
            if (n == 0) {
                errno = EIO;
            }
            fail_sys(f, "write", tmp);
            close(fd);
            unlink(tmp);
            return -1;
        }
        p += n;
        left -= (size_t)n;
    }
    if (close(fd) != 0) {
        fail_sys(f, "write", tmp);
        unlink(tmp);
        return -1;
    }
    if (rename(tmp, path) != 0) {
        fail_sys(f, "rename", path);
        unlink(tmp);
        return -1;
    }
    return 0;
}

/* ------------------------------------------------------------------ stdio */

int os_read_stdin(buf *out, size_t max, int *too_big, os_fail *f) {
    char chunk[65536];
    *too_big = 0;
    buf_append(out, "", 0);
    while (1) {
        ssize_t n = read(0, chunk, sizeof chunk);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return fail_sys(f, "read", "stdin");
        }
        if (n == 0) {
            return 0;
        }
        if (out->len + (size_t)n > max) {
            *too_big = 1;
            return 0;
        }
        buf_append(out, chunk, (size_t)n);
    }
}

static char line_in[65536];
static size_t line_in_len, line_in_pos;

int os_read_line(buf *out, size_t max, int *too_long, int *eof, os_fail *f) {
    *too_long = 0;
    *eof = 0;
    size_t taken = 0;
    while (1) {
        if (line_in_pos == line_in_len) {
            ssize_t n = read(0, line_in, sizeof line_in);
            if (n < 0) {
                if (errno == EINTR) {
                    continue;
                }
                return fail_sys(f, "read", "stdin");
            }
            if (n == 0) {
                *eof = taken == 0 && !*too_long;
                return 0;
            }
            line_in_len = (size_t)n;
            line_in_pos = 0;
        }
        char *start = line_in + line_in_pos;
        char *nl = memchr(start, '\n', line_in_len - line_in_pos);
        size_t part = nl ? (size_t)(nl - start) : line_in_len - line_in_pos;
        if (!*too_long && taken + part > max) {
            *too_long = 1;
        }
        if (!*too_long) {
            buf_append(out, start, part);
        }
        taken += part;
        line_in_pos += part;
        if (nl) {
            line_in_pos++;
            return 0;
        }
    }
}

int os_write_stdout(const char *data, size_t len) {
    while (len > 0) {
        ssize_t w = write(1, data, len);
        if (w < 0) {
            if (errno == EINTR) {
                continue;
            }
            return -1;
        }
        data += w;
        len -= (size_t)w;
    }
    return 0;
}
