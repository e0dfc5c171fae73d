/*
 * mkctl: the host-side helper of terraform-provider-multikernel. The contract (command line,
 * stdin, JSON on stdout, exit codes) is docs/mkctl.md; every kernel access goes through os.h.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "os.h"
#include "util.h"

#define MKCTL_VERSION "0.1.0"
#define MKCTL_CONTRACT 1
/* The architecture this binary runs on, as uname -m names it (the provider embeds one per arch). */
#if defined(__x86_64__)
#define MKCTL_ARCH "x86_64"
#elif defined(__aarch64__)
#define MKCTL_ARCH "aarch64"
#else
#error "mkctl is built for x86_64 and aarch64 only"
#endif
/* Version of the session protocol (docs/mkctl.md, "session"). */
#define MKCTL_SESSION 1

#define MK "/sys/fs/multikernel"
#define CPU_DIR "/sys/devices/system/cpu"

#define MAX_STDIN (4u << 20)
#define MAX_BATCH_STDIN (16u << 20)
#define MAX_BATCH_OPS 256
#define MAX_BLOB_FILE (4u << 20)
#define MAX_TEXT_FILE (1u << 20)
#define MAX_PROC_FILE (4u << 20)
#define V2_MAX_BLOB 4096
#define MAX_CMDLINE 65536

#define KEXEC_FILE_UNLOAD 0x1UL
#define KEXEC_FILE_NO_INITRAMFS 0x4UL
#define KEXEC_MULTIKERNEL 0x10UL
#define KEXEC_MK_ID_SHIFT 5
#define KEXEC_MK_ID_MASK 0xffe0UL
#define KEXEC_MK_ID(id) (((unsigned long)(id) << KEXEC_MK_ID_SHIFT) & KEXEC_MK_ID_MASK)
#define MK_ID_MAX 2047

#define LINUX_REBOOT_CMD_MULTIKERNEL 0x4D4B4C49u
#define LINUX_REBOOT_CMD_MULTIKERNEL_HALT 0x4D4B4C48u
#define LINUX_REBOOT_CMD_MULTIKERNEL_HALT_FORCE 0x4D4B4C46u

enum {
    EXIT_OK = 0,
    EXIT_OS = 1,
    EXIT_USAGE = 2,
    EXIT_LOCK = 3,
    EXIT_HALT = 4,
    EXIT_NOT_APPLIED = 5,
    EXIT_SIM = 6,
    EXIT_INTERNAL = 7,
};

/* ------------------------------------------------------------------ errors */

typedef struct {
    const char *kind;
    int err;
    const char *call;
    char path[4096];
    char message[1024];
    int has_tx;
    long long tx_id;
    int has_tx_status;
    char tx_status[128];
    int has_inst_status;
    int inst_status_null;
    char inst_status[128];
} mk_error;

static int exit_code_of(const char *kind) {
    if (strcmp(kind, "os") == 0 || strcmp(kind, "short_write") == 0) return EXIT_OS;
    if (strcmp(kind, "usage") == 0) return EXIT_USAGE;
    if (strcmp(kind, "lock_timeout") == 0) return EXIT_LOCK;
    if (strcmp(kind, "halt_timeout") == 0) return EXIT_HALT;
    if (strcmp(kind, "not_applied") == 0) return EXIT_NOT_APPLIED;
    if (strcmp(kind, "sim") == 0) return EXIT_SIM;
    return EXIT_INTERNAL;
}

static int set_error(mk_error *e, const char *kind, int err, const char *call, const char *path, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

static int set_error(mk_error *e, const char *kind, int err, const char *call, const char *path, const char *fmt, ...) {
    memset(e, 0, sizeof *e);
    e->kind = kind;
    e->err = err;
    e->call = call;
    snprintf(e->path, sizeof e->path, "%s", path ? path : "");
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->message, sizeof e->message, fmt, ap);
    va_end(ap);
    return exit_code_of(kind);
}

static int usage_error(mk_error *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int usage_error(mk_error *e, const char *fmt, ...) {
    memset(e, 0, sizeof *e);
    e->kind = "usage";
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(e->message, sizeof e->message, fmt, ap);
    va_end(ap);
    return EXIT_USAGE;
}

static int from_os(mk_error *e, const os_fail *f) {
    memset(e, 0, sizeof *e);
    if (f->transport) {
        e->kind = "sim";
    } else if (f->timed_out && f->call && strcmp(f->call, "flock") == 0) {
        e->kind = "lock_timeout";
    } else {
        e->kind = "os";
        e->err = f->err;
    }
    e->call = f->call;
    snprintf(e->path, sizeof e->path, "%s", f->path);
    snprintf(e->message, sizeof e->message, "%s", f->message);
    return exit_code_of(e->kind);
}

static void write_error_fields(jw *w, const mk_error *e, const char *operation, int batch_index) {
    jw_key(w, "operation");
    jw_str(w, operation);
    jw_key(w, "kind");
    jw_str(w, e->kind);
    jw_key(w, "errno");
    if (e->err) {
        const char *name = os_errno_name(e->err);
        char tmp[32];
        if (!name) {
            snprintf(tmp, sizeof tmp, "E%d", e->err);
            name = tmp;
        }
        jw_str(w, name);
    } else {
        jw_null(w);
    }
    jw_key(w, "errno_number");
    if (e->err) {
        jw_int(w, e->err);
    } else {
        jw_null(w);
    }
    jw_key(w, "call");
    jw_str(w, e->call);
    jw_key(w, "path");
    if (e->path[0]) {
        jw_str(w, e->path);
    } else {
        jw_null(w);
    }
    jw_key(w, "message");
    jw_str(w, e->message);
    if (e->has_tx) {
        jw_key(w, "transaction_id");
        jw_int(w, e->tx_id);
    }
    if (e->has_tx_status) {
        jw_key(w, "transaction_status");
        jw_str(w, e->tx_status);
    }
    if (e->has_inst_status) {
        jw_key(w, "instance_status");
        if (e->inst_status_null) {
            jw_null(w);
        } else {
            jw_str(w, e->inst_status);
        }
    }
    if (batch_index >= 0) {
        jw_key(w, "batch_index");
        jw_int(w, batch_index);
    }
}

/* ------------------------------------------------------------------ operations */

enum {
    K_ID = 1 << 0,
    K_KERNEL = 1 << 1,
    K_INITRD = 1 << 2,
    K_CMDLINE = 1 << 3,
    K_NAME = 1 << 4,
    K_EXPECT = 1 << 5,
    K_TIMEOUT = 1 << 6,
    K_FORCE = 1 << 7,
    K_FORCE_NOW = 1 << 8,
    K_BLOB = 1 << 9,
};

typedef struct {
    const char *name;
    unsigned given;
    long long id;
    char *kernel;
    char *initrd;
    char *cmdline;
    char *inst_name;
    strlist expect;
    long long timeout;
    int force;
    int force_now;
    buf blob;
} op;

typedef int (*op_fn)(op *o, jw *w, mk_error *e);

typedef struct {
    const char *name;
    int lock; /* 0 none, 1 shared, 2 exclusive */
    unsigned allowed;
    unsigned required;
    op_fn run;
} op_spec;

static int op_version(op *o, jw *w, mk_error *e);
static int op_state(op *o, jw *w, mk_error *e);
static int op_mount(op *o, jw *w, mk_error *e);
static int op_baseline(op *o, jw *w, mk_error *e);
static int op_overlay_apply(op *o, jw *w, mk_error *e);
static int op_overlay_remove(op *o, jw *w, mk_error *e);
static int op_v2_create(op *o, jw *w, mk_error *e);
static int op_v2_remove(op *o, jw *w, mk_error *e);
static int op_load(op *o, jw *w, mk_error *e);
static int op_unload(op *o, jw *w, mk_error *e);
static int op_exec(op *o, jw *w, mk_error *e);
static int op_halt(op *o, jw *w, mk_error *e);

static const op_spec OPS[] = {
    {"version", 0, 0, 0, op_version},
    {"state", 1, 0, 0, op_state},
    {"mount", 2, 0, 0, op_mount},
    {"baseline", 2, K_BLOB, K_BLOB, op_baseline},
    {"overlay-apply", 2, K_BLOB, K_BLOB, op_overlay_apply},
    {"overlay-remove", 2, K_ID, K_ID, op_overlay_remove},
    {"v2-create", 2, K_BLOB | K_EXPECT, K_BLOB, op_v2_create},
    {"v2-remove", 2, K_NAME, K_NAME, op_v2_remove},
    {"load", 2, K_ID | K_KERNEL | K_INITRD | K_CMDLINE, K_ID | K_KERNEL, op_load},
    {"unload", 2, K_ID, K_ID, op_unload},
    {"exec", 2, K_ID, K_ID, op_exec},
    {"halt", 2, K_ID | K_TIMEOUT | K_FORCE | K_FORCE_NOW, K_ID, op_halt},
    {"batch", 2, 0, 0, NULL},
    {"session", 0, 0, 0, NULL},
};

static const op_spec *find_op(const char *name) {
    for (size_t i = 0; i < sizeof OPS / sizeof OPS[0]; i++) {
        if (strcmp(OPS[i].name, name) == 0) {
            return &OPS[i];
        }
    }
    return NULL;
}

static const struct {
    unsigned key;
    const char *cli;
    const char *json;
} KEY_NAMES[] = {
    {K_ID, "--id", "id"},
    {K_KERNEL, "--kernel", "kernel"},
    {K_INITRD, "--initrd", "initrd"},
    {K_CMDLINE, "--cmdline", "cmdline"},
    {K_NAME, "--name", "name"},
    {K_EXPECT, "--expect", "expect"},
    {K_TIMEOUT, "--timeout", "timeout"},
    {K_FORCE, "--force", "force"},
    {K_FORCE_NOW, "--force-now", "force_now"},
    {K_BLOB, "stdin", "blob"},
};

static const char *key_name(unsigned key, int json) {
    for (size_t i = 0; i < sizeof KEY_NAMES / sizeof KEY_NAMES[0]; i++) {
        if (KEY_NAMES[i].key == key) {
            return json ? KEY_NAMES[i].json : KEY_NAMES[i].cli;
        }
    }
    return "?";
}

static void op_init(op *o) {
    memset(o, 0, sizeof *o);
    strlist_init(&o->expect);
    buf_init(&o->blob);
    o->timeout = 40;
}

static void op_free(op *o) {
    free(o->kernel);
    free(o->initrd);
    free(o->cmdline);
    free(o->inst_name);
    strlist_free(&o->expect);
    buf_free(&o->blob);
}

static int valid_instance_name(const char *s) {
    return s && *s && !strchr(s, '/') && strcmp(s, ".") != 0 && strcmp(s, "..") != 0 && strlen(s) < 256;
}

/* Checks an operation completely before anything runs. json: name keys as in batch input. */
static int validate_op(const op_spec *spec, op *o, int json, mk_error *e) {
    unsigned extra = o->given & ~spec->allowed;
    for (unsigned k = 1; k <= K_BLOB; k <<= 1) {
        if (extra & k) {
            if (k == K_BLOB) {
                return usage_error(e, "%s does not take a blob", spec->name);
            }
            return usage_error(e, "%s does not take %s", spec->name, key_name(k, json));
        }
    }
    unsigned missing = spec->required & ~o->given;
    for (unsigned k = 1; k <= K_BLOB; k <<= 1) {
        if (missing & k) {
            if (k == K_BLOB) {
                return usage_error(e, "%s needs the blob %s", spec->name,
                                   json ? "as base64 under \"blob\"" : "on stdin");
            }
            return usage_error(e, "%s needs %s", spec->name, key_name(k, json));
        }
    }
    const char *id_key = key_name(K_ID, json);
    if (o->given & K_ID) {
        if (strcmp(spec->name, "overlay-remove") == 0) {
            if (o->id < 0 || o->id > INT_MAX) {
                return usage_error(e, "%s: %s must be a transaction number 0..%d", spec->name, id_key, INT_MAX);
            }
        } else if (o->id < 1 || o->id > MK_ID_MAX) {
            return usage_error(e, "%s: %s must be 1..%d (the width of the kexec id field)", spec->name, id_key,
                               MK_ID_MAX);
        }
    }
    if ((o->given & K_TIMEOUT) && (o->timeout < 1 || o->timeout > 600)) {
        return usage_error(e, "%s: %s must be 1..600 seconds", spec->name, key_name(K_TIMEOUT, json));
    }
    if (o->force && o->force_now) {
        return usage_error(e, "%s: give either %s or %s, not both", spec->name, key_name(K_FORCE, json),
                           key_name(K_FORCE_NOW, json));
    }
    if ((o->given & K_NAME) && !valid_instance_name(o->inst_name)) {
        return usage_error(e, "%s: instance name must be non-empty, without '/', shorter than 256 bytes",
                           spec->name);
    }
    for (size_t i = 0; i < o->expect.len; i++) {
        if (!valid_instance_name(o->expect.items[i])) {
            return usage_error(e, "%s: expected instance name '%s' is not a valid name", spec->name,
                               o->expect.items[i]);
        }
    }
    if ((o->given & K_KERNEL) && !*o->kernel) {
        return usage_error(e, "%s: %s must not be empty", spec->name, key_name(K_KERNEL, json));
    }
    if ((o->given & K_INITRD) && !*o->initrd) {
        return usage_error(e, "%s: %s must not be empty", spec->name, key_name(K_INITRD, json));
    }
    if ((o->given & K_CMDLINE) && strlen(o->cmdline) >= MAX_CMDLINE) {
        return usage_error(e, "%s: the command line is longer than %d bytes", spec->name, MAX_CMDLINE - 1);
    }
    if (o->given & K_BLOB) {
        if (o->blob.len == 0) {
            return usage_error(e, "%s: the blob is empty", spec->name);
        }
        if (strcmp(spec->name, "v2-create") == 0 && o->blob.len > V2_MAX_BLOB) {
            return usage_error(e, "v2-create: the device tree is %zu bytes; RFC v2 takes at most %d (kernfs "
                               "splits larger writes and the kernel misparses the pieces)", o->blob.len, V2_MAX_BLOB);
        }
    }
    return EXIT_OK;
}

/* ------------------------------------------------------------------ kernel reads */

/* Reads a small text file; trailing whitespace removed. */
static int read_text(const char *path, buf *out, os_fail *f) {
    if (os_read_file(path, out, MAX_TEXT_FILE, f)) {
        return -1;
    }
    buf_rtrim(out);
    return 0;
}

static int parse_uint_text(const char *s, long long *out) {
    return parse_int_range(s, 0, LLONG_MAX, out);
}

/* Is the multikernel fs mounted? Looks for type multikernel on the mount point in /proc/mounts. */
static int is_mounted(int *mounted, os_fail *f) {
    *mounted = 0;
    buf b;
    buf_init(&b);
    if (os_read_file("/proc/mounts", &b, MAX_PROC_FILE, f)) {
        buf_free(&b);
        return -1;
    }
    char want[PATH_MAX];
    os_host_path(MK, want, sizeof want);
    char *save = NULL;
    for (char *line = strtok_r(b.data, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *s2 = NULL;
        strtok_r(line, " ", &s2);
        char *mnt = strtok_r(NULL, " ", &s2);
        char *type = strtok_r(NULL, " ", &s2);
        if (!mnt || !type) {
            continue;
        }
        /* Undo the octal escapes of /proc/mounts (\040 for a space, ...). */
        char path[PATH_MAX];
        size_t o = 0;
        for (size_t i = 0; mnt[i] && o + 1 < sizeof path; i++) {
            if (mnt[i] == '\\' && mnt[i + 1] >= '0' && mnt[i + 1] <= '3' && mnt[i + 2] >= '0' && mnt[i + 2] <= '7' &&
                mnt[i + 3] >= '0' && mnt[i + 3] <= '7') {
                path[o++] = (char)((mnt[i + 1] - '0') * 64 + (mnt[i + 2] - '0') * 8 + (mnt[i + 3] - '0'));
                i += 3;
            } else {
                path[o++] = mnt[i];
            }
        }
        path[o] = '\0';
        if (strcmp(type, "multikernel") == 0 && strcmp(path, want) == 0) {
            *mounted = 1;
        }
    }
    buf_free(&b);
    return 0;
}

/* "none", "unknown", "current" or "rfc-v2"; also reports whether the fs is mounted. */
static int detect_interface(const char **iface, int *mounted, os_fail *f) {
    int exists;
    *mounted = 0;
    if (os_exists(MK, &exists, f)) {
        return -1;
    }
    if (is_mounted(mounted, f)) {
        return -1;
    }
    if (!exists) {
        *iface = "none";
        return 0;
    }
    if (!*mounted) {
        *iface = "unknown";
        return 0;
    }
    int overlays;
    if (os_exists(MK "/overlays", &overlays, f)) {
        return -1;
    }
    *iface = overlays ? "current" : "rfc-v2";
    return 0;
}

/* Finds the instance with this id: name and status (status "" if unreadable). 1 if found. */
static int instance_by_id(long long id, char *name, size_t nlen, char *status, size_t slen) {
    os_fail f;
    strlist names;
    strlist_init(&names);
    int found = 0;
    if (os_list_dir(MK "/instances", &names, &f) == 0) {
        strlist_sort(&names);
        buf b;
        buf_init(&b);
        for (size_t i = 0; i < names.len && !found; i++) {
            char path[PATH_MAX];
            long long v;
            snprintf(path, sizeof path, MK "/instances/%s/id", names.items[i]);
            if (read_text(path, &b, &f) == 0 && parse_uint_text(b.data, &v) == 0 && v == id) {
                found = 1;
                snprintf(name, nlen, "%s", names.items[i]);
                snprintf(path, sizeof path, MK "/instances/%s/status", names.items[i]);
                if (read_text(path, &b, &f) == 0) {
                    snprintf(status, slen, "%s", b.data);
                } else {
                    status[0] = '\0';
                }
            }
        }
        buf_free(&b);
    }
    strlist_free(&names);
    return found;
}

/* Writes "status": <status of instance id, or null>. */
static void write_instance_status(jw *w, long long id) {
    char name[256], status[128];
    jw_key(w, "status");
    if (instance_by_id(id, name, sizeof name, status, sizeof status) && status[0]) {
        jw_str(w, status);
    } else {
        jw_null(w);
    }
}

static void attach_instance_status(mk_error *e, long long id) {
    char name[256], status[128];
    e->has_inst_status = 1;
    if (instance_by_id(id, name, sizeof name, status, sizeof status) && status[0]) {
        snprintf(e->inst_status, sizeof e->inst_status, "%s", status);
    } else {
        e->inst_status_null = 1;
    }
}

/* tx_N → N, or -1. */
static long long tx_number(const char *name) {
    long long n;
    if (strncmp(name, "tx_", 3) != 0 || parse_uint_text(name + 3, &n) || name[3] == '-') {
        return -1;
    }
    return n;
}

static int cmp_ll(const void *a, const void *b) {
    long long x = *(const long long *)a, y = *(const long long *)b;
    return x < y ? -1 : x > y;
}

/* Sorted transaction numbers under overlays/. */
static int list_transactions(long long **out, size_t *n, os_fail *f) {
    strlist names;
    strlist_init(&names);
    *out = NULL;
    *n = 0;
    if (os_list_dir(MK "/overlays", &names, f)) {
        strlist_free(&names);
        return -1;
    }
    *out = xmalloc((names.len + 1) * sizeof(long long));
    for (size_t i = 0; i < names.len; i++) {
        long long t = tx_number(names.items[i]);
        if (t >= 0) {
            (*out)[(*n)++] = t;
        }
    }
    qsort(*out, *n, sizeof(long long), cmp_ll);
    strlist_free(&names);
    return 0;
}

static void warn(jw *warnings_unused, strlist *warnings, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void warn(jw *warnings_unused, strlist *warnings, const char *fmt, ...) {
    (void)warnings_unused;
    char msg[1200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    strlist_add(warnings, msg);
}

static void write_warnings(jw *w, const strlist *warnings) {
    jw_key(w, "warnings");
    jw_arr(w);
    for (size_t i = 0; i < warnings->len; i++) {
        jw_str(w, warnings->items[i]);
    }
    jw_arr_end(w);
}

/* ------------------------------------------------------------------ state */

typedef struct {
    long long processor;
    long long apicid;
} apic_entry;

/* processor → apicid pairs from /proc/cpuinfo. */
static size_t parse_cpuinfo(const char *text, apic_entry **out) {
    size_t n = 0, cap = 0;
    long long current = -1;
    *out = NULL;
    const char *p = text;
    while (*p) {
        const char *eol = strchr(p, '\n');
        size_t len = eol ? (size_t)(eol - p) : strlen(p);
        char line[512];
        snprintf(line, sizeof line, "%.*s", (int)(len < sizeof line - 1 ? len : sizeof line - 1), p);
        char *colon = strchr(line, ':');
        if (colon) {
            char *key_end = colon;
            while (key_end > line && (key_end[-1] == ' ' || key_end[-1] == '\t')) {
                key_end--;
            }
            *key_end = '\0';
            char *val = colon + 1;
            while (*val == ' ' || *val == '\t') {
                val++;
            }
            long long v;
            if (strcmp(line, "processor") == 0 && parse_uint_text(val, &v) == 0) {
                current = v;
            } else if (strcmp(line, "apicid") == 0 && current >= 0 && parse_uint_text(val, &v) == 0) {
                if (n == cap) {
                    cap = cap ? cap * 2 : 16;
                    *out = xrealloc(*out, cap * sizeof(apic_entry));
                }
                (*out)[n].processor = current;
                (*out)[n].apicid = v;
                n++;
            }
        }
        p += len;
        if (*p == '\n') {
            p++;
        }
    }
    return n;
}

/* Is cpu in a list like "0-3,5"? -1 when the list does not parse. */
static int cpu_in_list(const char *list, long long cpu) {
    const char *p = list;
    while (*p) {
        char *end;
        errno = 0;
        long long a = strtoll(p, &end, 10);
        if (end == p || errno) {
            return -1;
        }
        long long b = a;
        p = end;
        if (*p == '-') {
            p++;
            b = strtoll(p, &end, 10);
            if (end == p || errno) {
                return -1;
            }
            p = end;
        }
        if (cpu >= a && cpu <= b) {
            return 1;
        }
        if (*p == ',') {
            p++;
        } else if (*p && *p != '\n') {
            return -1;
        }
    }
    return 0;
}

static int cmp_cpu_names(const void *a, const void *b) {
    long long x = atoll(*(char *const *)a + 3), y = atoll(*(char *const *)b + 3);
    return x < y ? -1 : x > y;
}

static int is_cpu_dir(const char *name) {
    long long v;
    return strncmp(name, "cpu", 3) == 0 && name[3] != '-' && parse_uint_text(name + 3, &v) == 0;
}

/* One CPU as state reports it. */
typedef struct {
    long long cpu;
    long long apic;          /* -1: unknown */
    const char *apic_source; /* "cpuinfo", "cache", or NULL when unknown */
    long long node;          /* -1: unknown */
    int online;
} cpu_rec;

/*
 * The cpuN directories with their APIC ids (from /proc/cpuinfo) and NUMA nodes; with
 * want_online, their online state too. Fails only when the CPU directory cannot be listed.
 */
static int collect_cpus(cpu_rec **out, size_t *count, int want_online, strlist *warnings, os_fail *f) {
    *out = NULL;
    *count = 0;
    strlist names;
    strlist_init(&names);
    if (os_list_dir(CPU_DIR, &names, f)) {
        strlist_free(&names);
        return -1;
    }
    /* keep cpuN entries only, in numeric order */
    size_t k = 0;
    for (size_t i = 0; i < names.len; i++) {
        if (is_cpu_dir(names.items[i])) {
            names.items[k++] = names.items[i];
        } else {
            free(names.items[i]);
        }
    }
    names.len = k;
    qsort(names.items, names.len, sizeof(char *), cmp_cpu_names);

    os_fail g;
    buf b;
    buf_init(&b);
    apic_entry *apics = NULL;
    size_t napics = 0;
    if (os_read_file("/proc/cpuinfo", &b, MAX_PROC_FILE, &g) == 0) {
        napics = parse_cpuinfo(b.data, &apics);
    } else {
        warn(NULL, warnings, "apic ids unknown: %s", g.message);
    }
    int online_list_read = 0;
    buf online_list;
    buf_init(&online_list);
    int have_online_list = 0;

    cpu_rec *cpus = xmalloc((names.len ? names.len : 1) * sizeof(cpu_rec));
    for (size_t i = 0; i < names.len; i++) {
        cpu_rec *c = &cpus[i];
        char path[PATH_MAX];
        c->cpu = atoll(names.items[i] + 3);
        c->apic = -1;
        c->apic_source = NULL;
        for (size_t a = 0; a < napics; a++) {
            if (apics[a].processor == c->cpu) {
                c->apic = apics[a].apicid;
                c->apic_source = "cpuinfo";
                break;
            }
        }
        strlist entries;
        strlist_init(&entries);
        snprintf(path, sizeof path, CPU_DIR "/%s", names.items[i]);
        c->node = -1;
        if (os_list_dir(path, &entries, &g) == 0) {
            for (size_t j = 0; j < entries.len; j++) {
                long long v;
                if (strncmp(entries.items[j], "node", 4) == 0 && parse_uint_text(entries.items[j] + 4, &v) == 0) {
                    c->node = v;
                    break;
                }
            }
        } else {
            warn(NULL, warnings, "numa node of cpu%lld unknown: %s", c->cpu, g.message);
        }
        strlist_free(&entries);
        c->online = 1;
        if (!want_online) {
            continue;
        }
        snprintf(path, sizeof path, CPU_DIR "/%s/online", names.items[i]);
        if (read_text(path, &b, &g) == 0) {
            c->online = strcmp(b.data, "0") != 0;
        } else {
            if (g.err != ENOENT) {
                warn(NULL, warnings, "%s", g.message);
            }
            if (!online_list_read) {
                online_list_read = 1;
                have_online_list = read_text(CPU_DIR "/online", &online_list, &g) == 0;
            }
            if (have_online_list) {
                int in = cpu_in_list(online_list.data, c->cpu);
                if (in < 0) {
                    warn(NULL, warnings, "cannot parse " CPU_DIR "/online '%s'", online_list.data);
                } else {
                    c->online = in;
                }
            }
        }
    }
    *out = cpus;
    *count = names.len;
    free(apics);
    buf_free(&b);
    buf_free(&online_list);
    strlist_free(&names);
    return 0;
}

/* ------------------------------------------------------------------ CPU map cache */

/*
 * /proc/cpuinfo lists online CPUs only, and the multikernel pool's CPUs are offline in the host.
 * So every logical CPU → APIC id (+ NUMA node) pair seen online is remembered in a small file
 * per boot, <dir>/cpus-<boot id>.json, and an offline CPU's APIC id is taken from there. Logical
 * numbering is stable within one boot; the boot id in the name keeps boots (and simulated hosts
 * sharing a directory) apart. The cache never makes an operation fail: problems are warnings.
 */

#define CPU_CACHE_FORMAT 1
#define CPU_CACHE_MAX (4u << 20)
#define CPU_CACHE_MAX_CPUS 8192

static const char *cpu_cache_dir; /* NULL: no cache (--no-cpu-cache, or test roots without --cpu-cache-dir) */

typedef struct {
    long long cpu, apic, node; /* node -1: unknown */
} cache_entry;

static int valid_boot_id(const char *s) {
    size_t n = strlen(s);
    if (n == 0 || n > 64) {
        return 0;
    }
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-')) {
            return 0;
        }
    }
    return 1;
}

static const jv *jv_get(const jv *obj, const char *key) {
    for (size_t i = 0; i < obj->n; i++) {
        if (strcmp(obj->keys[i], key) == 0) {
            return &obj->items[i];
        }
    }
    return NULL;
}

static cache_entry *cache_find(cache_entry *entries, size_t n, long long cpu) {
    for (size_t i = 0; i < n; i++) {
        if (entries[i].cpu == cpu) {
            return &entries[i];
        }
    }
    return NULL;
}

/* Checks a parsed cache document; fills entries. NULL on success, else what is wrong. */
static const char *cache_decode(const jv *doc, const char *boot_id, cache_entry **out, size_t *n) {
    *out = NULL;
    *n = 0;
    if (doc->type != JV_OBJ) {
        return "not a JSON object";
    }
    const jv *format = jv_get(doc, "format");
    if (!format || format->type != JV_INT || format->i != CPU_CACHE_FORMAT) {
        return "\"format\" is not 1";
    }
    const jv *bid = jv_get(doc, "boot_id");
    if (!bid || bid->type != JV_STR || strcmp(bid->s, boot_id) != 0) {
        return "\"boot_id\" is not this boot's";
    }
    const jv *cpus = jv_get(doc, "cpus");
    if (!cpus || cpus->type != JV_ARR) {
        return "\"cpus\" is not an array";
    }
    cache_entry *entries = xmalloc((cpus->n ? cpus->n : 1) * sizeof(cache_entry));
    for (size_t i = 0; i < cpus->n; i++) {
        const jv *c = &cpus->items[i];
        const jv *cpu = c->type == JV_OBJ ? jv_get(c, "cpu") : NULL;
        const jv *apic = c->type == JV_OBJ ? jv_get(c, "apic_id") : NULL;
        const jv *node = c->type == JV_OBJ ? jv_get(c, "numa_node") : NULL;
        if (!cpu || cpu->type != JV_INT || cpu->i < 0 || cpu->i >= CPU_CACHE_MAX_CPUS || !apic ||
            apic->type != JV_INT || apic->i < 0 || apic->i > UINT32_MAX ||
            (node && node->type != JV_NULL && (node->type != JV_INT || node->i < 0 || node->i > INT_MAX))) {
            free(entries);
            return "an element of \"cpus\" is not {\"cpu\":N,\"apic_id\":N,\"numa_node\":N|null}";
        }
        if (cache_find(entries, i, cpu->i)) {
            free(entries);
            return "a CPU is listed twice";
        }
        entries[i].cpu = cpu->i;
        entries[i].apic = apic->i;
        entries[i].node = node && node->type == JV_INT ? node->i : -1;
    }
    *out = entries;
    *n = cpus->n;
    return NULL;
}

/*
 * Reads this boot's cache. 0: *entries holds it (empty when there is none yet). -1: it exists
 * but cannot be used (a warning says why; it will be rewritten).
 */
static int cache_load(const char *path, const char *boot_id, cache_entry **entries, size_t *n, strlist *warnings) {
    *entries = NULL;
    *n = 0;
    os_fail f;
    buf b;
    buf_init(&b);
    if (os_local_read(path, &b, CPU_CACHE_MAX, &f)) {
        buf_free(&b);
        if (f.err == ENOENT || f.err == ENOTDIR) {
            return 0; /* none yet (if the directory is unusable, writing says so) */
        }
        warn(NULL, warnings, "CPU map cache ignored: %s (remove the file if this persists)", f.message);
        return -1;
    }
    jv doc;
    char err[300];
    const char *why = NULL;
    if (json_parse(b.data, b.len, 3, CPU_CACHE_MAX_CPUS, &doc, err, sizeof err)) {
        why = err;
    } else {
        why = cache_decode(&doc, boot_id, entries, n);
    }
    if (why) {
        warn(NULL, warnings, "CPU map cache %s is malformed and was ignored (%s); it is rewritten from the CPUs "
             "online now", path, why);
    }
    jv_free(&doc);
    buf_free(&b);
    return why ? -1 : 0;
}

static int cmp_cache_entry(const void *a, const void *b) {
    long long x = ((const cache_entry *)a)->cpu, y = ((const cache_entry *)b)->cpu;
    return x < y ? -1 : x > y;
}

static void cache_store(const char *boot_id, cache_entry *entries, size_t n, strlist *warnings) {
    qsort(entries, n, sizeof(cache_entry), cmp_cache_entry);
    buf out;
    buf_init(&out);
    jw w;
    jw_init(&w, &out);
    jw_obj(&w);
    jw_key(&w, "format");
    jw_int(&w, CPU_CACHE_FORMAT);
    jw_key(&w, "boot_id");
    jw_str(&w, boot_id);
    jw_key(&w, "cpus");
    jw_arr(&w);
    for (size_t i = 0; i < n; i++) {
        jw_obj(&w);
        jw_key(&w, "cpu");
        jw_int(&w, entries[i].cpu);
        jw_key(&w, "apic_id");
        jw_int(&w, entries[i].apic);
        jw_key(&w, "numa_node");
        if (entries[i].node >= 0) {
            jw_int(&w, entries[i].node);
        } else {
            jw_null(&w);
        }
        jw_obj_end(&w);
    }
    jw_arr_end(&w);
    jw_obj_end(&w);
    buf_putc(&out, '\n');
    char name[128];
    snprintf(name, sizeof name, "cpus-%s.json", boot_id);
    os_fail f;
    if (os_local_replace(cpu_cache_dir, name, out.data, out.len, &f)) {
        warn(NULL, warnings, "CPU map cache not written (APIC ids of CPUs that go offline may become unknown): %s",
             f.message);
    }
    buf_free(&out);
}

/*
 * Fills the APIC ids (and NUMA nodes) that /proc/cpuinfo did not give from this boot's cache,
 * and records in the cache what it did give. Writes the file only when it learns something.
 */
static void cpu_cache_sync(const char *boot_id, cpu_rec *cpus, size_t n, strlist *warnings) {
    if (!cpu_cache_dir) {
        return;
    }
    if (!valid_boot_id(boot_id)) {
        warn(NULL, warnings, "CPU map cache not used: the boot id '%s' is not a plain identifier", boot_id);
        return;
    }
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/cpus-%s.json", cpu_cache_dir, boot_id);
    cache_entry *entries;
    size_t ne;
    int changed = cache_load(path, boot_id, &entries, &ne, warnings) != 0;
    entries = xrealloc(entries, (ne + n + 1) * sizeof(cache_entry));
    for (size_t i = 0; i < n; i++) {
        cpu_rec *c = &cpus[i];
        cache_entry *e = cache_find(entries, ne, c->cpu);
        if (c->apic < 0) {
            if (e) {
                c->apic = e->apic;
                c->apic_source = "cache";
                if (c->node < 0) {
                    c->node = e->node;
                }
            }
            continue;
        }
        if (!e) {
            e = &entries[ne++];
            e->cpu = c->cpu;
            e->apic = c->apic;
            e->node = c->node;
            changed = 1;
            continue;
        }
        if (e->apic != c->apic) {
            warn(NULL, warnings, "CPU map cache %s said cpu%lld has APIC id %lld, /proc/cpuinfo says %lld; the "
                 "cache is corrected", path, c->cpu, e->apic, c->apic);
            e->apic = c->apic;
            changed = 1;
        }
        if (c->node >= 0 && e->node != c->node) {
            e->node = c->node;
            changed = 1;
        }
    }
    if (changed && ne > 0) {
        cache_store(boot_id, entries, ne, warnings);
    }
    free(entries);
}

/* Records the CPUs online now in the cache, before a write that may take CPUs offline. */
static void cpu_cache_record(strlist *warnings) {
    if (!cpu_cache_dir) {
        return;
    }
    os_fail f;
    buf boot_id;
    buf_init(&boot_id);
    if (read_text("/proc/sys/kernel/random/boot_id", &boot_id, &f)) {
        warn(NULL, warnings, "CPU map not recorded before the write: %s", f.message);
        buf_free(&boot_id);
        return;
    }
    cpu_rec *cpus;
    size_t n;
    if (collect_cpus(&cpus, &n, 0, warnings, &f)) {
        warn(NULL, warnings, "CPU map not recorded before the write: %s", f.message);
    } else {
        cpu_cache_sync(boot_id.data, cpus, n, warnings);
        free(cpus);
    }
    buf_free(&boot_id);
}

static int write_cpus(jw *w, const char *boot_id, strlist *warnings, mk_error *e) {
    os_fail f;
    cpu_rec *cpus;
    size_t n;
    if (collect_cpus(&cpus, &n, 1, warnings, &f)) {
        return from_os(e, &f);
    }
    cpu_cache_sync(boot_id, cpus, n, warnings);
    jw_key(w, "cpus");
    jw_arr(w);
    for (size_t i = 0; i < n; i++) {
        jw_obj(w);
        jw_key(w, "cpu");
        jw_int(w, cpus[i].cpu);
        jw_key(w, "apic_id");
        if (cpus[i].apic >= 0) {
            jw_int(w, cpus[i].apic);
        } else {
            jw_null(w);
        }
        jw_key(w, "numa_node");
        if (cpus[i].node >= 0) {
            jw_int(w, cpus[i].node);
        } else {
            jw_null(w);
        }
        jw_key(w, "online");
        jw_bool(w, cpus[i].online);
        jw_key(w, "apic_id_source");
        if (cpus[i].apic_source) {
            jw_str(w, cpus[i].apic_source);
        } else {
            jw_null(w);
        }
        jw_obj_end(w);
    }
    jw_arr_end(w);
    free(cpus);
    return EXIT_OK;
}

static int write_pool(jw *w, const char *iface, int mounted, mk_error *e) {
    jw_key(w, "pool");
    if (!mounted || strcmp(iface, "current") != 0) {
        jw_null(w);
        return EXIT_OK;
    }
    os_fail f;
    buf b;
    buf_init(&b);
    if (os_read_file(MK "/device_tree", &b, MAX_BLOB_FILE, &f)) {
        buf_free(&b);
        return from_os(e, &f);
    }
    jw_obj(w);
    jw_key(w, "device_tree");
    jw_base64(w, b.data, b.len);
    jw_obj_end(w);
    buf_free(&b);
    return EXIT_OK;
}

static int write_instances(jw *w, const char *iface, int mounted, mk_error *e) {
    jw_key(w, "instances");
    jw_arr(w);
    if (!mounted) {
        jw_arr_end(w);
        return EXIT_OK;
    }
    int v2 = strcmp(iface, "rfc-v2") == 0;
    os_fail f;
    strlist names;
    strlist_init(&names);
    if (os_list_dir(MK "/instances", &names, &f)) {
        strlist_free(&names);
        return from_os(e, &f);
    }
    strlist_sort(&names);
    buf id, status, tree;
    buf_init(&id);
    buf_init(&status);
    buf_init(&tree);
    int rc = EXIT_OK;
    for (size_t i = 0; i < names.len; i++) {
        char path[PATH_MAX];
        const char *n = names.items[i];
        snprintf(path, sizeof path, MK "/instances/%s/status", n);
        if (read_text(path, &status, &f)) {
            if (f.err == ENOENT) {
                continue; /* removed while we looked */
            }
            rc = from_os(e, &f);
            break;
        }
        snprintf(path, sizeof path, MK "/instances/%s/id", n);
        long long idv = -1;
        if (read_text(path, &id, &f) == 0) {
            if (parse_uint_text(id.data, &idv)) {
                idv = -1;
            }
        } else if (f.err == ENOENT) {
            continue;
        } else {
            rc = from_os(e, &f);
            break;
        }
        snprintf(path, sizeof path, MK "/instances/%s/%s", n, v2 ? "device_tree_source" : "device_tree");
        int have_tree = 1;
        if (os_read_file(path, &tree, MAX_BLOB_FILE, &f)) {
            if (f.err != ENOENT) {
                rc = from_os(e, &f);
                break;
            }
            have_tree = 0;
        }
        jw_obj(w);
        jw_key(w, "name");
        jw_str(w, n);
        jw_key(w, "id");
        if (idv >= 0) {
            jw_int(w, idv);
        } else {
            jw_null(w);
        }
        jw_key(w, "status");
        jw_str(w, status.data);
        jw_key(w, "device_tree");
        if (!v2 && have_tree) {
            jw_base64(w, tree.data, tree.len);
        } else {
            jw_null(w);
        }
        jw_key(w, "device_tree_source");
        if (v2 && have_tree) {
            jw_strn(w, tree.data, tree.len);
        } else {
            jw_null(w);
        }
        jw_obj_end(w);
    }
    jw_arr_end(w);
    buf_free(&id);
    buf_free(&status);
    buf_free(&tree);
    strlist_free(&names);
    return rc;
}

/* Reads tx_N/<file> as text; ENOENT gives "" and *gone = 1. */
static int read_tx_text(long long tx, const char *file, buf *out, int *gone, os_fail *f) {
    char path[PATH_MAX];
    snprintf(path, sizeof path, MK "/overlays/tx_%lld/%s", tx, file);
    if (read_text(path, out, f)) {
        if (f->err == ENOENT) {
            *gone = 1;
            buf_clear(out);
            return 0;
        }
        return -1;
    }
    return 0;
}

static int write_overlays(jw *w, const char *iface, int mounted, mk_error *e) {
    jw_key(w, "overlays");
    jw_arr(w);
    if (!mounted || strcmp(iface, "current") != 0) {
        jw_arr_end(w);
        return EXIT_OK;
    }
    os_fail f;
    long long *txs;
    size_t n;
    if (list_transactions(&txs, &n, &f)) {
        return from_os(e, &f);
    }
    buf status, instance, resources, dtbo;
    buf_init(&status);
    buf_init(&instance);
    buf_init(&resources);
    buf_init(&dtbo);
    int rc = EXIT_OK;
    for (size_t i = 0; i < n; i++) {
        int gone = 0;
        if (read_tx_text(txs[i], "status", &status, &gone, &f) || read_tx_text(txs[i], "instance", &instance, &gone, &f) ||
            read_tx_text(txs[i], "resources", &resources, &gone, &f)) {
            rc = from_os(e, &f);
            break;
        }
        if (gone) {
            continue;
        }
        char path[PATH_MAX];
        snprintf(path, sizeof path, MK "/overlays/tx_%lld/dtbo", txs[i]);
        int have_dtbo = 1;
        if (os_read_file(path, &dtbo, MAX_BLOB_FILE, &f)) {
            if (f.err != ENOENT) {
                rc = from_os(e, &f);
                break;
            }
            have_dtbo = 0;
        }
        jw_obj(w);
        jw_key(w, "id");
        jw_int(w, txs[i]);
        jw_key(w, "status");
        jw_str(w, status.data);
        jw_key(w, "instance");
        jw_str(w, instance.data);
        jw_key(w, "resources");
        jw_str(w, resources.data);
        jw_key(w, "dtbo");
        if (have_dtbo) {
            jw_base64(w, dtbo.data, dtbo.len);
        } else {
            jw_null(w);
        }
        jw_obj_end(w);
    }
    jw_arr_end(w);
    free(txs);
    buf_free(&status);
    buf_free(&instance);
    buf_free(&resources);
    buf_free(&dtbo);
    return rc;
}

static void write_kimage(jw *w, strlist *warnings) {
    os_fail f;
    buf b;
    buf_init(&b);
    jw_key(w, "kimage");
    if (os_read_file("/proc/kimage", &b, MAX_PROC_FILE, &f)) {
        if (f.err != ENOENT) {
            warn(NULL, warnings, "%s", f.message);
        }
        jw_null(w);
        buf_free(&b);
        return;
    }
    jw_arr(w);
    char *save = NULL;
    for (char *line = strtok_r(b.data, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char copy[512];
        snprintf(copy, sizeof copy, "%s", line);
        char *s2 = NULL;
        char *tok[4] = {NULL, NULL, NULL, NULL};
        int nt = 0;
        for (char *t = strtok_r(copy, " \t", &s2); t && nt < 4; t = strtok_r(NULL, " \t", &s2)) {
            tok[nt++] = t;
        }
        long long mk_id, segments;
        if (nt == 0) {
            continue;
        }
        if (parse_int_range(tok[0], 0, INT_MAX, &mk_id) != 0) {
            /* header, separator, "No kimages loaded" */
            if (strcmp(tok[0], "MK_ID") != 0 && tok[0][0] != '-' && strcmp(tok[0], "No") != 0) {
                warn(NULL, warnings, "/proc/kimage: cannot parse '%s'", line);
            }
            continue;
        }
        if (nt < 4 || parse_uint_text(tok[3], &segments)) {
            warn(NULL, warnings, "/proc/kimage: cannot parse '%s'", line);
            continue;
        }
        jw_obj(w);
        jw_key(w, "mk_id");
        jw_int(w, mk_id);
        jw_key(w, "type");
        jw_str(w, tok[1]);
        jw_key(w, "start");
        jw_str(w, tok[2]);
        jw_key(w, "segments");
        jw_int(w, segments);
        jw_obj_end(w);
    }
    jw_arr_end(w);
    buf_free(&b);
}

/* "0000000100000000" → "0x100000000"; 0 if not hex. */
static int normalize_hex(const char *s, size_t n, char *out, size_t outlen) {
    size_t i = 0;
    if (n == 0 || n > 16) {
        return 0;
    }
    for (size_t k = 0; k < n; k++) {
        char c = s[k];
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) {
            return 0;
        }
    }
    while (i + 1 < n && s[i] == '0') {
        i++;
    }
    size_t o = 0;
    out[o++] = '0';
    out[o++] = 'x';
    for (; i < n && o + 1 < outlen; i++) {
        char c = s[i];
        out[o++] = (c >= 'A' && c <= 'F') ? (char)(c - 'A' + 'a') : c;
    }
    out[o] = '\0';
    return 1;
}

static void write_iomem(jw *w, strlist *warnings) {
    os_fail f;
    buf b;
    buf_init(&b);
    jw_key(w, "iomem");
    if (os_read_file("/proc/iomem", &b, MAX_PROC_FILE, &f)) {
        warn(NULL, warnings, "%s", f.message);
        jw_null(w);
        buf_free(&b);
        return;
    }
    jw_arr(w);
    int pool_depth = -1;
    char *save = NULL;
    for (char *line = strtok_r(b.data, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        int spaces = 0;
        while (line[spaces] == ' ') {
            spaces++;
        }
        int depth = spaces / 2;
        char *range = line + spaces;
        char *sep = strstr(range, " : ");
        char *dash = strchr(range, '-');
        if (!sep || !dash || dash > sep) {
            continue;
        }
        const char *name = sep + 3;
        int is_pool = strcmp(name, "Multikernel Memory Pool") == 0;
        int keep;
        if (is_pool) {
            keep = 1;
            pool_depth = depth;
        } else if (pool_depth >= 0 && depth > pool_depth) {
            keep = 1;
        } else {
            pool_depth = -1;
            keep = strncmp(name, "mk-instance-", 12) == 0;
        }
        if (!keep) {
            continue;
        }
        char start[24], end[24];
        if (!normalize_hex(range, (size_t)(dash - range), start, sizeof start) ||
            !normalize_hex(dash + 1, (size_t)(sep - dash - 1), end, sizeof end)) {
            warn(NULL, warnings, "/proc/iomem: cannot parse '%s'", line);
            continue;
        }
        jw_obj(w);
        jw_key(w, "start");
        jw_str(w, start);
        jw_key(w, "end");
        jw_str(w, end);
        jw_key(w, "name");
        jw_str(w, name);
        jw_key(w, "depth");
        jw_int(w, depth);
        jw_obj_end(w);
    }
    jw_arr_end(w);
    buf_free(&b);
}

static int op_state(op *o, jw *w, mk_error *e) {
    (void)o;
    os_fail f;
    const char *iface;
    int mounted;
    if (detect_interface(&iface, &mounted, &f)) {
        return from_os(e, &f);
    }
    buf release, boot_id;
    buf_init(&release);
    buf_init(&boot_id);
    if (read_text("/proc/sys/kernel/random/boot_id", &boot_id, &f)) {
        buf_free(&release);
        buf_free(&boot_id);
        return from_os(e, &f);
    }
    strlist warnings;
    strlist_init(&warnings);
    int have_release = read_text("/proc/sys/kernel/osrelease", &release, &f) == 0;
    if (!have_release) {
        warn(NULL, &warnings, "kernel release unknown: %s", f.message);
    }
    jw_obj(w);
    jw_key(w, "operation");
    jw_str(w, "state");
    jw_key(w, "interface");
    jw_str(w, iface);
    jw_key(w, "mounted");
    jw_bool(w, mounted);
    jw_key(w, "kernel_release");
    if (have_release) {
        jw_str(w, release.data);
    } else {
        jw_null(w);
    }
    jw_key(w, "boot_id");
    jw_str(w, boot_id.data);
    buf_free(&release);
    int rc = write_cpus(w, boot_id.data, &warnings, e);
    buf_free(&boot_id);
    if (rc == EXIT_OK) rc = write_pool(w, iface, mounted, e);
    if (rc == EXIT_OK) rc = write_instances(w, iface, mounted, e);
    if (rc == EXIT_OK) rc = write_overlays(w, iface, mounted, e);
    if (rc == EXIT_OK) {
        write_kimage(w, &warnings);
        write_iomem(w, &warnings);
        write_warnings(w, &warnings);
        jw_obj_end(w);
    }
    strlist_free(&warnings);
    return rc;
}

/* ------------------------------------------------------------------ simple operations */

static int op_version(op *o, jw *w, mk_error *e) {
    (void)o;
    (void)e;
    jw_obj(w);
    jw_key(w, "operation");
    jw_str(w, "version");
    jw_key(w, "version");
    jw_str(w, MKCTL_VERSION);
    jw_key(w, "contract");
    jw_int(w, MKCTL_CONTRACT);
    jw_key(w, "mode");
    jw_str(w, os_mode_name());
    jw_key(w, "arch");
    jw_str(w, MKCTL_ARCH);
    jw_obj_end(w);
    return EXIT_OK;
}

static int op_mount(op *o, jw *w, mk_error *e) {
    (void)o;
    os_fail f;
    int mounted;
    if (is_mounted(&mounted, &f)) {
        return from_os(e, &f);
    }
    int already = mounted;
    if (!mounted && os_mount_multikernel(&f)) {
        int rc = from_os(e, &f);
        if (f.err == ENOENT || f.err == ENODEV) {
            snprintf(e->message + strlen(e->message), sizeof e->message - strlen(e->message),
                     "; this kernel has no multikernel support");
        }
        return rc;
    }
    const char *iface;
    if (detect_interface(&iface, &mounted, &f)) {
        return from_os(e, &f);
    }
    jw_obj(w);
    jw_key(w, "operation");
    jw_str(w, "mount");
    jw_key(w, "mounted");
    jw_bool(w, mounted);
    jw_key(w, "already_mounted");
    jw_bool(w, already);
    jw_key(w, "interface");
    jw_str(w, iface);
    jw_obj_end(w);
    return EXIT_OK;
}

/* One write() of the blob; a short write is an error. */
static int write_blob(const char *op_name, const char *path, const buf *blob, mk_error *e, os_fail *f, int *wrote) {
    size_t written = 0;
    *wrote = 0;
    if (os_write_once(path, blob->data, blob->len, &written, f)) {
        return from_os(e, f);
    }
    *wrote = 1;
    if (written != blob->len) {
        char hp[PATH_MAX];
        os_host_path(path, hp, sizeof hp);
        return set_error(e, "short_write", 0, "write", hp, "%s: write() to %s took %zu of %zu bytes", op_name, hp,
                         written, blob->len);
    }
    return EXIT_OK;
}

static int op_baseline(op *o, jw *w, mk_error *e) {
    os_fail f;
    int wrote;
    /* the baseline takes the pool's CPUs offline: remember their APIC ids first */
    strlist warnings;
    strlist_init(&warnings);
    cpu_cache_record(&warnings);
    int rc = write_blob("baseline", MK "/device_tree", &o->blob, e, &f, &wrote);
    if (rc) {
        strlist_free(&warnings);
        return rc;
    }
    jw_obj(w);
    jw_key(w, "operation");
    jw_str(w, "baseline");
    jw_key(w, "bytes");
    jw_int(w, (long long)o->blob.len);
    jw_key(w, "pool");
    buf b;
    buf_init(&b);
    if (os_read_file(MK "/device_tree", &b, MAX_BLOB_FILE, &f) == 0) {
        jw_obj(w);
        jw_key(w, "device_tree");
        jw_base64(w, b.data, b.len);
        jw_obj_end(w);
    } else {
        jw_null(w);
        warn(NULL, &warnings, "the baseline was written but the pool could not be read back: %s", f.message);
    }
    buf_free(&b);
    write_warnings(w, &warnings);
    strlist_free(&warnings);
    jw_obj_end(w);
    return EXIT_OK;
}

static int op_overlay_apply(op *o, jw *w, mk_error *e) {
    os_fail f;
    long long *before = NULL, *after = NULL;
    size_t nb = 0, na = 0;
    if (list_transactions(&before, &nb, &f)) {
        return from_os(e, &f);
    }
    int wrote;
    mk_error werr;
    int wrc = write_blob("overlay-apply", MK "/overlays/new", &o->blob, &werr, &f, &wrote);
    if (list_transactions(&after, &na, &f)) {
        free(before);
        if (wrc) {
            *e = werr;
            return wrc;
        }
        return from_os(e, &f);
    }
    strlist warnings;
    strlist_init(&warnings);
    long long tx = -1;
    size_t fresh = 0;
    for (size_t i = 0; i < na; i++) {
        int seen = 0;
        for (size_t j = 0; j < nb; j++) {
            if (before[j] == after[i]) {
                seen = 1;
                break;
            }
        }
        if (!seen) {
            fresh++;
            if (after[i] > tx) {
                tx = after[i];
            }
        }
    }
    free(before);
    free(after);
    if (fresh > 1) {
        warn(NULL, &warnings, "%zu transactions appeared during the write (another writer ignored the lock); "
             "took the highest, tx_%lld", fresh, tx);
    }
    buf status, instance, resources;
    buf_init(&status);
    buf_init(&instance);
    buf_init(&resources);
    int gone = 0;
    int rc = EXIT_OK;
    if (tx >= 0 && (read_tx_text(tx, "status", &status, &gone, &f) || read_tx_text(tx, "instance", &instance, &gone, &f) ||
                    read_tx_text(tx, "resources", &resources, &gone, &f))) {
        rc = from_os(e, &f);
        e->has_tx = 1;
        e->tx_id = tx;
    } else if (wrc) {
        *e = werr;
        rc = wrc;
        if (tx >= 0) {
            e->has_tx = 1;
            e->tx_id = tx;
            if (!gone) {
                e->has_tx_status = 1;
                snprintf(e->tx_status, sizeof e->tx_status, "%s", status.data);
            }
        }
    } else if (tx < 0) {
        char hp[PATH_MAX];
        os_host_path(MK "/overlays", hp, sizeof hp);
        rc = set_error(e, "not_applied", 0, NULL, hp,
                       "the overlay was written but no new transaction appeared under %s", hp);
    } else if (gone || strcmp(status.data, "applied") != 0) {
        char hp[PATH_MAX], p[PATH_MAX];
        snprintf(p, sizeof p, MK "/overlays/tx_%lld", tx);
        os_host_path(p, hp, sizeof hp);
        rc = set_error(e, "not_applied", 0, NULL, hp,
                       gone ? "overlay transaction %lld disappeared before its status could be read"
                            : "overlay transaction %lld ended with status '%s'; remove it with overlay-remove --id %lld "
                              "to roll back what was applied",
                       tx, status.data, tx);
        e->has_tx = 1;
        e->tx_id = tx;
        if (!gone) {
            e->has_tx_status = 1;
            snprintf(e->tx_status, sizeof e->tx_status, "%s", status.data);
        }
    } else {
        jw_obj(w);
        jw_key(w, "operation");
        jw_str(w, "overlay-apply");
        jw_key(w, "bytes");
        jw_int(w, (long long)o->blob.len);
        jw_key(w, "transaction");
        jw_obj(w);
        jw_key(w, "id");
        jw_int(w, tx);
        jw_key(w, "status");
        jw_str(w, status.data);
        jw_key(w, "instance");
        jw_str(w, instance.data);
        jw_key(w, "resources");
        jw_str(w, resources.data);
        jw_obj_end(w);
        write_warnings(w, &warnings);
        jw_obj_end(w);
    }
    buf_free(&status);
    buf_free(&instance);
    buf_free(&resources);
    strlist_free(&warnings);
    return rc;
}

static int op_overlay_remove(op *o, jw *w, mk_error *e) {
    os_fail f;
    char path[PATH_MAX];
    snprintf(path, sizeof path, MK "/overlays/tx_%lld", o->id);
    if (os_rmdir(path, &f)) {
        int rc = from_os(e, &f);
        e->has_tx = 1;
        e->tx_id = o->id;
        buf status;
        buf_init(&status);
        int gone = 0;
        os_fail f2;
        if (read_tx_text(o->id, "status", &status, &gone, &f2) == 0 && !gone) {
            e->has_tx_status = 1;
            snprintf(e->tx_status, sizeof e->tx_status, "%s", status.data);
        }
        buf_free(&status);
        return rc;
    }
    jw_obj(w);
    jw_key(w, "operation");
    jw_str(w, "overlay-remove");
    jw_key(w, "id");
    jw_int(w, o->id);
    jw_key(w, "removed");
    jw_bool(w, 1);
    jw_obj_end(w);
    return EXIT_OK;
}

static int op_v2_create(op *o, jw *w, mk_error *e) {
    os_fail f;
    int wrote;
    /* creating instances takes their CPUs offline: remember their APIC ids first */
    strlist warnings;
    strlist_init(&warnings);
    cpu_cache_record(&warnings);
    int rc = write_blob("v2-create", MK "/device_tree", &o->blob, e, &f, &wrote);
    if (rc) {
        strlist_free(&warnings);
        return rc;
    }
    strlist names;
    strlist_init(&names);
    if (os_list_dir(MK "/instances", &names, &f)) {
        strlist_free(&names);
        return from_os(e, &f);
    }
    strlist_sort(&names);
    /* name, id, status of every instance, kept to check the expectations */
    strlist statuses;
    strlist_init(&statuses);
    buf b;
    buf_init(&b);
    buf list;
    buf_init(&list);
    jw lw;
    jw_init(&lw, &list);
    jw_arr(&lw);
    for (size_t i = 0; i < names.len; i++) {
        char path[PATH_MAX];
        snprintf(path, sizeof path, MK "/instances/%s/status", names.items[i]);
        if (read_text(path, &b, &f)) {
            if (f.err == ENOENT) {
                strlist_add(&statuses, "");
                continue;
            }
            rc = from_os(e, &f);
            break;
        }
        strlist_add(&statuses, b.data);
        jw_obj(&lw);
        jw_key(&lw, "name");
        jw_str(&lw, names.items[i]);
        jw_key(&lw, "id");
        long long idv;
        snprintf(path, sizeof path, MK "/instances/%s/id", names.items[i]);
        if (read_text(path, &b, &f) == 0 && parse_uint_text(b.data, &idv) == 0) {
            jw_int(&lw, idv);
        } else {
            jw_null(&lw);
        }
        jw_key(&lw, "status");
        jw_str(&lw, statuses.items[i]);
        jw_obj_end(&lw);
    }
    jw_arr_end(&lw);
    for (size_t k = 0; rc == EXIT_OK && k < o->expect.len; k++) {
        const char *want = o->expect.items[k];
        const char *st = NULL;
        for (size_t i = 0; i < names.len && i < statuses.len; i++) {
            if (strcmp(names.items[i], want) == 0 && statuses.items[i][0]) {
                st = statuses.items[i];
            }
        }
        if (!st || strcmp(st, "ready") != 0) {
            char p[PATH_MAX], hp[PATH_MAX];
            snprintf(p, sizeof p, MK "/instances/%s", want);
            os_host_path(p, hp, sizeof hp);
            rc = set_error(e, "not_applied", 0, NULL, hp,
                           st ? "the device tree was written but instance '%s' is '%s', not 'ready' (see the kernel log)"
                              : "the device tree was written but instance '%s' was not created (the kernel logs why)",
                           want, st ? st : "");
            e->has_inst_status = 1;
            if (st) {
                snprintf(e->inst_status, sizeof e->inst_status, "%s", st);
            } else {
                e->inst_status_null = 1;
            }
        }
    }
    if (rc == EXIT_OK) {
        jw_obj(w);
        jw_key(w, "operation");
        jw_str(w, "v2-create");
        jw_key(w, "bytes");
        jw_int(w, (long long)o->blob.len);
        jw_key(w, "instances");
        jw_raw(w, list.data, list.len);
        write_warnings(w, &warnings);
        jw_obj_end(w);
    }
    strlist_free(&warnings);
    buf_free(&b);
    buf_free(&list);
    strlist_free(&names);
    strlist_free(&statuses);
    return rc;
}

static int op_v2_remove(op *o, jw *w, mk_error *e) {
    os_fail f;
    char path[PATH_MAX];
    snprintf(path, sizeof path, MK "/instances/%s", o->inst_name);
    if (os_rmdir(path, &f)) {
        int rc = from_os(e, &f);
        char st[128];
        buf b;
        buf_init(&b);
        snprintf(path, sizeof path, MK "/instances/%s/status", o->inst_name);
        os_fail f2;
        e->has_inst_status = 1;
        if (read_text(path, &b, &f2) == 0) {
            snprintf(st, sizeof st, "%s", b.data);
            snprintf(e->inst_status, sizeof e->inst_status, "%s", st);
        } else {
            e->inst_status_null = 1;
        }
        buf_free(&b);
        return rc;
    }
    jw_obj(w);
    jw_key(w, "operation");
    jw_str(w, "v2-remove");
    jw_key(w, "name");
    jw_str(w, o->inst_name);
    jw_key(w, "removed");
    jw_bool(w, 1);
    jw_obj_end(w);
    return EXIT_OK;
}

static void write_flags(jw *w, unsigned long flags) {
    char tmp[32];
    snprintf(tmp, sizeof tmp, "0x%lx", flags);
    jw_key(w, "flags");
    jw_str(w, tmp);
}

/* The answer of load, unload and exec: the operation, the instance, the flags (when the call has
 * them) and the instance's status after the call. */
static int instance_op_result(jw *w, const char *operation, long long id, const unsigned long *flags) {
    jw_obj(w);
    jw_key(w, "operation");
    jw_str(w, operation);
    jw_key(w, "id");
    jw_int(w, id);
    if (flags) {
        write_flags(w, *flags);
    }
    write_instance_status(w, id);
    jw_obj_end(w);
    return EXIT_OK;
}

static int op_load(op *o, jw *w, mk_error *e) {
    os_fail f;
    unsigned long flags = KEXEC_MULTIKERNEL | KEXEC_MK_ID(o->id);
    if (!o->initrd) {
        flags |= KEXEC_FILE_NO_INITRAMFS;
    }
    if (os_kexec_load(o->kernel, o->initrd, o->cmdline ? o->cmdline : "", flags, &f)) {
        int rc = from_os(e, &f);
        if (strcmp(f.call, "kexec_file_load") == 0) {
            attach_instance_status(e, o->id);
        }
        return rc;
    }
    return instance_op_result(w, "load", o->id, &flags);
}

static int op_unload(op *o, jw *w, mk_error *e) {
    os_fail f;
    unsigned long flags = KEXEC_FILE_UNLOAD | KEXEC_MULTIKERNEL | KEXEC_MK_ID(o->id);
    if (os_kexec_unload(flags, &f)) {
        int rc = from_os(e, &f);
        attach_instance_status(e, o->id);
        return rc;
    }
    return instance_op_result(w, "unload", o->id, &flags);
}

static int op_exec(op *o, jw *w, mk_error *e) {
    os_fail f;
    if (os_reboot_mk(LINUX_REBOOT_CMD_MULTIKERNEL, (int)o->id, &f)) {
        int rc = from_os(e, &f);
        attach_instance_status(e, o->id);
        return rc;
    }
    return instance_op_result(w, "exec", o->id, NULL);
}

static int op_halt(op *o, jw *w, mk_error *e) {
    os_fail f;
    const char *mode = "graceful";
    int id = (int)o->id;
    if (o->force_now) {
        mode = "force";
        if (os_reboot_mk(LINUX_REBOOT_CMD_MULTIKERNEL_HALT_FORCE, id, &f)) {
            int rc = from_os(e, &f);
            attach_instance_status(e, o->id);
            return rc;
        }
    } else if (os_reboot_mk_timed(LINUX_REBOOT_CMD_MULTIKERNEL_HALT, id, (int)o->timeout * 1000, &f)) {
        int timed_out = !f.transport && (f.timed_out || f.err == ETIMEDOUT);
        if (!timed_out) {
            int rc = from_os(e, &f);
            attach_instance_status(e, o->id);
            return rc;
        }
        if (!o->force) {
            int rc = set_error(e, "halt_timeout", f.err, "reboot", NULL,
                               f.timed_out ? "graceful halt of instance %d did not finish within %lld s; retry with "
                                             "--force to force-halt it"
                                           : "graceful halt of instance %d timed out in the kernel (the instance did "
                                             "not acknowledge); retry with --force to force-halt it",
                               id, o->timeout);
            attach_instance_status(e, o->id);
            return rc;
        }
        mode = "force";
        if (os_reboot_mk(LINUX_REBOOT_CMD_MULTIKERNEL_HALT_FORCE, id, &f)) {
            int rc = from_os(e, &f);
            attach_instance_status(e, o->id);
            return rc;
        }
    }
    char name[256], status[128];
    int found = instance_by_id(o->id, name, sizeof name, status, sizeof status);
    if (found && strcmp(status, "failed") == 0) {
        char p[PATH_MAX], hp[PATH_MAX];
        snprintf(p, sizeof p, MK "/instances/%s", name);
        os_host_path(p, hp, sizeof hp);
        int rc = set_error(e, "not_applied", 0, "reboot", hp,
                           "%s halt of instance %d returned but left it 'failed' (device interrupts could not be "
                           "quiesced)", mode, id);
        e->has_inst_status = 1;
        snprintf(e->inst_status, sizeof e->inst_status, "failed");
        return rc;
    }
    jw_obj(w);
    jw_key(w, "operation");
    jw_str(w, "halt");
    jw_key(w, "id");
    jw_int(w, o->id);
    jw_key(w, "mode");
    jw_str(w, mode);
    jw_key(w, "status");
    if (found && status[0]) {
        jw_str(w, status);
    } else {
        jw_null(w);
    }
    jw_obj_end(w);
    return EXIT_OK;
}

/* ------------------------------------------------------------------ batch input */

static int jv_to_op(const jv *obj, size_t index, op *o, const op_spec **spec, mk_error *e) {
    if (obj->type != JV_OBJ) {
        return usage_error(e, "batch element %zu is not an object (it is a %s)", index, jv_type_name(obj->type));
    }
    const jv *opv = NULL;
    for (size_t i = 0; i < obj->n; i++) {
        if (strcmp(obj->keys[i], "op") == 0) {
            opv = &obj->items[i];
        }
    }
    if (!opv || opv->type != JV_STR) {
        return usage_error(e, "batch element %zu needs \"op\" (a string)", index);
    }
    *spec = find_op(opv->s);
    if (!*spec || (*spec)->run == NULL || strcmp(opv->s, "version") == 0) {
        return usage_error(e, "batch element %zu: \"%s\" is not an operation a batch can run", index, opv->s);
    }
    o->name = (*spec)->name;
    for (size_t i = 0; i < obj->n; i++) {
        const char *k = obj->keys[i];
        const jv *v = &obj->items[i];
        if (strcmp(k, "op") == 0) {
            continue;
        }
        unsigned key = 0;
        for (size_t j = 0; j < sizeof KEY_NAMES / sizeof KEY_NAMES[0]; j++) {
            if (strcmp(KEY_NAMES[j].json, k) == 0) {
                key = KEY_NAMES[j].key;
            }
        }
        if (!key) {
            return usage_error(e, "batch element %zu (%s): unknown key \"%s\"", index, o->name, k);
        }
        jv_type want = (key == K_ID || key == K_TIMEOUT) ? JV_INT
                       : (key == K_FORCE || key == K_FORCE_NOW) ? JV_BOOL
                       : key == K_EXPECT ? JV_ARR
                                         : JV_STR;
        if (v->type != want) {
            return usage_error(e, "batch element %zu (%s): \"%s\" must be a%s %s, not %s", index, o->name, k,
                               want == JV_INT || want == JV_ARR ? "n" : "", jv_type_name(want), jv_type_name(v->type));
        }
        o->given |= key;
        switch (key) {
            case K_ID: o->id = v->i; break;
            case K_TIMEOUT: o->timeout = v->i; break;
            case K_FORCE: o->force = v->b; break;
            case K_FORCE_NOW: o->force_now = v->b; break;
            case K_KERNEL: o->kernel = xstrdup(v->s); break;
            case K_INITRD: o->initrd = xstrdup(v->s); break;
            case K_CMDLINE: o->cmdline = xstrdup(v->s); break;
            case K_NAME: o->inst_name = xstrdup(v->s); break;
            case K_EXPECT:
                for (size_t j = 0; j < v->n; j++) {
                    if (v->items[j].type != JV_STR) {
                        return usage_error(e, "batch element %zu (%s): \"expect\" must hold strings", index, o->name);
                    }
                    strlist_add(&o->expect, v->items[j].s);
                }
                break;
            case K_BLOB:
                if (base64_decode(v->s, v->slen, &o->blob)) {
                    return usage_error(e, "batch element %zu (%s): \"blob\" is not valid base64 (standard alphabet, "
                                       "padded, no line breaks)", index, o->name);
                }
                break;
            default: break;
        }
    }
    return validate_op(*spec, o, 1, e);
}

/* ------------------------------------------------------------------ command line */

typedef struct {
    const char *sysfs_root;
    const char *procfs_root;
    const char *lock_path;
    long long lock_timeout;
    int no_lock;
    const char *cpu_cache_dir;
    int no_cpu_cache;
} globals;

static const char HELP[] =
    "usage: mkctl [GLOBAL OPTIONS] SUBCOMMAND [OPTIONS]\n"
    "\n"
    "Host-side helper of terraform-provider-multikernel. Prints one JSON object on stdout;\n"
    "the contract (JSON, exit codes) is docs/mkctl.md.\n"
    "\n"
    "subcommands:\n"
    "  version                                   version and mode (real or sim)\n"
    "  state                                     the whole multikernel view\n"
    "  mount                                     mount the multikernel fs if needed\n"
    "  baseline < pool.dtb                       write the baseline (one write)\n"
    "  overlay-apply < change.dtbo               write an overlay, report its transaction\n"
    "  overlay-remove --id N                     roll back transaction tx_N\n"
    "  v2-create [--expect NAME]... < v2.dtb     RFC v2: create instances\n"
    "  v2-remove --name NAME                     RFC v2: remove an instance\n"
    "  load --id N --kernel PATH [--initrd PATH] [--cmdline S]\n"
    "  unload --id N\n"
    "  exec --id N\n"
    "  halt --id N [--timeout S] [--force | --force-now]\n"
    "  batch < ops.json                          several operations under one lock\n"
    "  session                                   requests as JSON lines on stdin, answers on stdout\n"
    "  help                                      this text\n"
    "\n"
    "global options:\n"
    "  --sysfs-root DIR   --procfs-root DIR   (real mode, tests)\n"
    "  --lock PATH        --lock-timeout S    --no-lock\n"
    "  --cpu-cache-dir DIR   --no-cpu-cache   (per-boot CPU map cache, default /run/multikernel)\n"
    "\n"
    "MKCTL_SIM_SOCKET=/path selects sim mode (the multikernel simulator); see docs/mkctl.md.\n";

static int take_value(int argc, char **argv, int *i, const char *opt, const char *inline_value, const char **out,
                      mk_error *e) {
    if (inline_value) {
        *out = inline_value;
        return 0;
    }
    if (*i + 1 >= argc) {
        return usage_error(e, "%s needs a value", opt);
    }
    *out = argv[++*i];
    return 0;
}

static int parse_args(int argc, char **argv, globals *g, const char **cmd, op *o, mk_error *e) {
    *cmd = NULL;
    unsigned seen_globals = 0;
    for (int i = 1; i < argc; i++) {
        char *a = argv[i];
        if (strncmp(a, "--", 2) != 0) {
            if (*cmd) {
                return usage_error(e, "unexpected argument '%s'", a);
            }
            *cmd = a;
            continue;
        }
        char opt[64];
        const char *inline_value = NULL;
        const char *eq = strchr(a, '=');
        if (eq) {
            snprintf(opt, sizeof opt, "%.*s", (int)(eq - a), a);
            inline_value = eq + 1;
        } else {
            snprintf(opt, sizeof opt, "%s", a);
        }
        const char *v = NULL;
        /* global options */
        static const char *GLOBAL_NAMES[] = {"--sysfs-root", "--procfs-root", "--lock", "--lock-timeout", "--no-lock",
                                             "--cpu-cache-dir", "--no-cpu-cache"};
        int gi = -1;
        for (int k = 0; k < 7; k++) {
            if (strcmp(opt, GLOBAL_NAMES[k]) == 0) {
                gi = k;
            }
        }
        if (gi >= 0) {
            if (seen_globals & (1u << gi)) {
                return usage_error(e, "%s given twice", opt);
            }
            seen_globals |= 1u << gi;
            if (gi == 4 || gi == 6) {
                if (inline_value) {
                    return usage_error(e, "%s takes no value", opt);
                }
                if (gi == 4) g->no_lock = 1;
                else g->no_cpu_cache = 1;
                continue;
            }
            if (take_value(argc, argv, &i, opt, inline_value, &v, e)) {
                return EXIT_USAGE;
            }
            if (!*v) {
                return usage_error(e, "%s needs a non-empty value", opt);
            }
            if (gi == 0) g->sysfs_root = v;
            if (gi == 1) g->procfs_root = v;
            if (gi == 2) g->lock_path = v;
            if (gi == 3 && parse_int_range(v, 0, 3600, &g->lock_timeout)) {
                return usage_error(e, "--lock-timeout must be an integer number of seconds 0..3600");
            }
            if (gi == 5) {
                if (v[0] != '/' || strlen(v) > 3000) {
                    return usage_error(e, "--cpu-cache-dir must be an absolute path (at most 3000 bytes), got '%s'", v);
                }
                g->cpu_cache_dir = v;
            }
            continue;
        }
        unsigned key = 0;
        for (size_t j = 0; j < sizeof KEY_NAMES / sizeof KEY_NAMES[0]; j++) {
            if (KEY_NAMES[j].key != K_BLOB && strcmp(KEY_NAMES[j].cli, opt) == 0) {
                key = KEY_NAMES[j].key;
            }
        }
        if (!key) {
            return usage_error(e, "unknown option %s (see mkctl help)", opt);
        }
        if ((o->given & key) && key != K_EXPECT) {
            return usage_error(e, "%s given twice", opt);
        }
        o->given |= key;
        if (key == K_FORCE || key == K_FORCE_NOW) {
            if (inline_value) {
                return usage_error(e, "%s takes no value", opt);
            }
            if (key == K_FORCE) o->force = 1;
            else o->force_now = 1;
            continue;
        }
        if (take_value(argc, argv, &i, opt, inline_value, &v, e)) {
            return EXIT_USAGE;
        }
        switch (key) {
            case K_ID:
                if (parse_int_range(v, -1000000000000LL, 1000000000000LL, &o->id)) {
                    return usage_error(e, "--id must be an integer, got '%s'", v);
                }
                break;
            case K_TIMEOUT:
                if (parse_int_range(v, -1000000000000LL, 1000000000000LL, &o->timeout)) {
                    return usage_error(e, "--timeout must be an integer number of seconds, got '%s'", v);
                }
                break;
            case K_KERNEL: o->kernel = xstrdup(v); break;
            case K_INITRD: o->initrd = xstrdup(v); break;
            case K_CMDLINE: o->cmdline = xstrdup(v); break;
            case K_NAME: o->inst_name = xstrdup(v); break;
            case K_EXPECT: strlist_add(&o->expect, v); break;
            default: break;
        }
    }
    if (g->cpu_cache_dir && g->no_cpu_cache) {
        return usage_error(e, "give either --cpu-cache-dir or --no-cpu-cache, not both");
    }
    if (!*cmd) {
        return usage_error(e, "no subcommand; one of version, state, mount, baseline, overlay-apply, overlay-remove, "
                           "v2-create, v2-remove, load, unload, exec, halt, batch, help");
    }
    return EXIT_OK;
}

/* ------------------------------------------------------------------ main */

static const char *current_operation = "mkctl";

static void emit(buf *out) {
    buf_putc(out, '\n');
    if (os_write_stdout(out->data, out->len)) {
        exit(EXIT_INTERNAL);
    }
}

static void on_oom(void) {
    static const char msg[] =
        "{\"error\":{\"operation\":\"mkctl\",\"kind\":\"internal\",\"errno\":\"ENOMEM\",\"errno_number\":12,"
        "\"call\":null,\"path\":null,\"message\":\"mkctl ran out of memory\"}}\n";
    os_write_stdout(msg, sizeof msg - 1);
    _exit(EXIT_INTERNAL);
}

static int print_error(const mk_error *e, const char *operation) {
    buf out;
    buf_init(&out);
    jw w;
    jw_init(&w, &out);
    jw_obj(&w);
    jw_key(&w, "error");
    jw_obj(&w);
    write_error_fields(&w, e, operation, -1);
    jw_obj_end(&w);
    jw_obj_end(&w);
    emit(&out);
    buf_free(&out);
    return exit_code_of(e->kind);
}

/* os_init, then the CPU map cache directory (its default depends on the mode). */
static int os_ready; /* a session initialises once, and again after a transport failure */

static int init_os(const globals *g, os_fail *f) {
    if (os_ready) {
        return 0;
    }
    if (os_init(g->sysfs_root, g->procfs_root, f)) {
        return -1;
    }
    os_ready = 1;
    cpu_cache_dir = g->no_cpu_cache ? NULL : g->cpu_cache_dir ? g->cpu_cache_dir : os_default_cpu_cache_dir();
    return 0;
}

static int take_lock(const globals *g, int lock_kind, mk_error *e) {
    if (lock_kind == 0 || g->no_lock) {
        return EXIT_OK;
    }
    os_fail f;
    const char *path = g->lock_path ? g->lock_path : os_default_lock_path();
    if (os_lock(path, lock_kind == 2, (int)g->lock_timeout * 1000, &f)) {
        return from_os(e, &f);
    }
    return EXIT_OK;
}

/*
 * Runs the operations of one batch document (a JSON array) under one lock of `lock_kind`
 * (0 for the strongest any of them needs) and writes the answer's fields into the object `w`
 * has open: error (when one failed), operation, completed, total, results.
 */
static int execute_batch(const globals *g, const jv *doc, const char *source, int lock_kind, jw *w) {
    mk_error e;
    if (doc->type != JV_ARR) {
        usage_error(&e, "batch: %s must be a JSON array of operations, not a %s", source, jv_type_name(doc->type));
        jw_key(w, "error");
        jw_obj(w);
        write_error_fields(w, &e, "batch", -1);
        jw_obj_end(w);
        return exit_code_of(e.kind);
    }
    size_t n = doc->n;
    op *ops = xmalloc((n ? n : 1) * sizeof(op));
    const op_spec **specs = xmalloc((n ? n : 1) * sizeof(op_spec *));
    int rc = EXIT_OK;
    size_t parsed = 0;
    int strongest = 0;
    for (size_t i = 0; i < n && rc == EXIT_OK; i++) {
        op_init(&ops[i]);
        parsed++;
        rc = jv_to_op(&doc->items[i], i, &ops[i], &specs[i], &e);
        if (rc == EXIT_OK && specs[i]->lock > strongest) {
            strongest = specs[i]->lock;
        }
    }
    size_t done = 0;
    buf results;
    buf_init(&results);
    int ran = 0;
    if (rc == EXIT_OK) {
        os_fail f;
        if (init_os(g, &f)) {
            rc = from_os(&e, &f);
        } else if ((rc = take_lock(g, lock_kind ? lock_kind : strongest, &e)) == EXIT_OK) {
            ran = 1;
            jw rw;
            jw_init(&rw, &results);
            jw_arr(&rw);
            for (; done < n; done++) {
                buf one;
                buf_init(&one);
                jw ow;
                jw_init(&ow, &one);
                current_operation = specs[done]->name;
                rc = specs[done]->run(&ops[done], &ow, &e);
                if (rc == EXIT_OK) {
                    jw_raw(&rw, one.data, one.len);
                }
                buf_free(&one);
                if (rc) {
                    break;
                }
            }
            jw_arr_end(&rw);
            os_unlock();
        }
    }
    if (rc) {
        jw_key(w, "error");
        jw_obj(w);
        write_error_fields(w, &e, ran ? specs[done]->name : "batch", ran ? (int)done : -1);
        jw_obj_end(w);
    }
    if (ran) {
        jw_key(w, "operation");
        jw_str(w, "batch");
        jw_key(w, "completed");
        jw_int(w, (long long)done);
        jw_key(w, "total");
        jw_int(w, (long long)n);
        jw_key(w, "results");
        jw_raw(w, results.data, results.len);
    }
    buf_free(&results);
    for (size_t i = 0; i < parsed; i++) {
        op_free(&ops[i]);
    }
    free(ops);
    free(specs);
    return rc;
}

static int run_batch(const globals *g, const buf *input) {
    mk_error e;
    char err[300];
    jv doc;
    if (json_parse(input->data, input->len, 3, MAX_BATCH_OPS, &doc, err, sizeof err)) {
        jv_free(&doc);
        usage_error(&e, "batch: %s", err);
        return print_error(&e, "batch");
    }
    buf out;
    buf_init(&out);
    jw w;
    jw_init(&w, &out);
    jw_obj(&w);
    /* One-shot: the exclusive lock, as before sessions existed (a batch is a change). */
    int rc = execute_batch(g, &doc, "stdin", 2, &w);
    jw_obj_end(&w);
    jv_free(&doc);
    emit(&out);
    buf_free(&out);
    return rc;
}

/*
 * Session mode: one mkctl serves many requests on one SSH channel. A first line says what it
 * is; then each stdin line is a request {"id": N, "ops": [...]} (the ops of a batch) and gets
 * one answer line {"id": N, ...the batch answer...}, under the lock its operations need, taken
 * and released per request. A malformed line is answered with an error and the session goes
 * on; end of stdin ends it. Exit 0 unless stdout fails.
 */
static int run_session(const globals *g) {
    os_fail init_fail;
    if (init_os(g, &init_fail)) {
        mk_error e;
        from_os(&e, &init_fail);
        return print_error(&e, "session");
    }
    buf hello;
    buf_init(&hello);
    jw hw;
    jw_init(&hw, &hello);
    jw_obj(&hw);
    jw_key(&hw, "operation");
    jw_str(&hw, "session");
    jw_key(&hw, "session");
    jw_int(&hw, MKCTL_SESSION);
    jw_key(&hw, "contract");
    jw_int(&hw, MKCTL_CONTRACT);
    jw_key(&hw, "version");
    jw_str(&hw, MKCTL_VERSION);
    jw_key(&hw, "mode");
    jw_str(&hw, os_mode_name());
    jw_obj_end(&hw);
    emit(&hello);
    buf_free(&hello);

    buf line;
    buf_init(&line);
    while (1) {
        int too_long, eof;
        os_fail f;
        buf_clear(&line);
        if (os_read_line(&line, MAX_BATCH_STDIN, &too_long, &eof, &f)) {
            mk_error e;
            from_os(&e, &f);
            print_error(&e, "session");
            break;
        }
        if (eof) {
            break;
        }
        buf out;
        buf_init(&out);
        jw w;
        jw_init(&w, &out);
        jw_obj(&w);
        mk_error e;
        char err[300];
        jv req;
        int parsed = 0;
        if (too_long) {
            usage_error(&e, "session: a request line is larger than %u bytes", MAX_BATCH_STDIN);
        } else if (json_parse(line.data, line.len, 4, MAX_BATCH_OPS, &req, err, sizeof err)) {
            jv_free(&req);
            usage_error(&e, "session: %s", err);
        } else {
            parsed = 1;
        }
        const jv *id = NULL, *ops = NULL;
        if (parsed && req.type == JV_OBJ) {
            for (size_t i = 0; i < req.n; i++) {
                if (strcmp(req.keys[i], "id") == 0) {
                    id = &req.items[i];
                } else if (strcmp(req.keys[i], "ops") == 0) {
                    ops = &req.items[i];
                }
            }
        }
        jw_key(&w, "id");
        if (id && id->type == JV_INT) {
            jw_int(&w, id->i);
        } else {
            jw_null(&w);
        }
        if (parsed && (!id || id->type != JV_INT || !ops)) {
            usage_error(&e, "session: a request is an object with \"id\" (a whole number) and \"ops\" (an array)");
            parsed = 0;
            jv_free(&req);
        }
        if (parsed) {
            if (execute_batch(g, ops, "\"ops\"", 0, &w) == EXIT_SIM) {
                os_ready = 0; /* the simulator connection is gone: connect afresh next time */
            }
            jv_free(&req);
        } else {
            jw_key(&w, "error");
            jw_obj(&w);
            write_error_fields(&w, &e, "session", -1);
            jw_obj_end(&w);
        }
        jw_obj_end(&w);
        emit(&out);
        buf_free(&out);
    }
    buf_free(&line);
    return EXIT_OK;
}

int main(int argc, char **argv) {
    util_oom_handler = on_oom;
    signal(SIGPIPE, SIG_IGN);

    globals g = {NULL, NULL, NULL, 30, 0, NULL, 0};
    const char *cmd = NULL;
    op o;
    op_init(&o);
    mk_error e;
    int rc = parse_args(argc, argv, &g, &cmd, &o, &e);
    if (rc) {
        rc = print_error(&e, cmd ? cmd : "mkctl");
        op_free(&o);
        return rc;
    }
    if (strcmp(cmd, "help") == 0) {
        op_free(&o);
        return os_write_stdout(HELP, sizeof HELP - 1) ? EXIT_INTERNAL : EXIT_OK;
    }
    const op_spec *spec = find_op(cmd);
    if (!spec) {
        usage_error(&e, "unknown subcommand '%s' (see mkctl help)", cmd);
        op_free(&o);
        return print_error(&e, cmd);
    }
    current_operation = spec->name;
    o.name = spec->name;

    if (spec->run == NULL && strcmp(spec->name, "session") == 0) {
        if (o.given) {
            usage_error(&e, "session takes its requests on stdin, not as options");
            op_free(&o);
            return print_error(&e, "session");
        }
        op_free(&o);
        return run_session(&g);
    }
    if (spec->run == NULL) { /* batch */
        if (o.given) {
            usage_error(&e, "batch takes its operations on stdin, not as options");
            op_free(&o);
            return print_error(&e, "batch");
        }
        buf input;
        buf_init(&input);
        os_fail f;
        int too_big;
        if (os_read_stdin(&input, MAX_BATCH_STDIN, &too_big, &f)) {
            rc = from_os(&e, &f);
            print_error(&e, "batch");
        } else if (too_big) {
            usage_error(&e, "batch: stdin is larger than %u bytes", MAX_BATCH_STDIN);
            rc = print_error(&e, "batch");
        } else {
            rc = run_batch(&g, &input);
        }
        buf_free(&input);
        op_free(&o);
        return rc;
    }

    if (spec->allowed & K_BLOB) {
        os_fail f;
        int too_big;
        if (os_read_stdin(&o.blob, MAX_STDIN, &too_big, &f)) {
            from_os(&e, &f);
            op_free(&o);
            return print_error(&e, spec->name);
        }
        if (too_big) {
            usage_error(&e, "%s: stdin is larger than %u bytes", spec->name, MAX_STDIN);
            op_free(&o);
            return print_error(&e, spec->name);
        }
        o.given |= K_BLOB;
    }
    rc = validate_op(spec, &o, 0, &e);
    if (rc == EXIT_OK) {
        os_fail f;
        if (init_os(&g, &f)) {
            rc = from_os(&e, &f);
        } else {
            rc = take_lock(&g, spec->lock, &e);
        }
    }
    if (rc == EXIT_OK) {
        buf out;
        buf_init(&out);
        jw w;
        jw_init(&w, &out);
        rc = spec->run(&o, &w, &e);
        if (rc == EXIT_OK) {
            emit(&out);
        }
        buf_free(&out);
    }
    if (rc) {
        print_error(&e, spec->name);
    }
    op_free(&o);
    return rc;
}
