/*
 * The OS boundary of mkctl: every access to the kernel (files under /sys and /proc, mount,
 * kexec_file_load, reboot), to the lock file and to stdin/stdout goes through this interface.
 *
 * Real mode makes the system calls. Sim mode (MKCTL_SIM_SOCKET set, see docs/mkctl.md
 * "Sim mode") sends the same accesses to the simulator over a unix socket.
 *
 * Kernel files are named by canonical absolute paths ("/sys/fs/multikernel/device_tree",
 * "/proc/iomem"); in real mode they are rewritten under --sysfs-root / --procfs-root.
 */
#ifndef MKCTL_OS_H
#define MKCTL_OS_H

#include <stddef.h>

#include "util.h"

/* Why an access failed. */
typedef struct {
    int err;            /* positive errno, or 0 when the failure carries none */
    int transport;      /* 1: the simulator could not be used (connection, protocol, refusal) */
    int timed_out;      /* lock or halt wait expired */
    const char *call;   /* "open", "read", "write", ... */
    char path[4096];    /* host path involved, or "" */
    char message[1024]; /* for humans */
} os_fail;

/* Decides the mode and, in sim mode, connects and checks the handshake. roots may be NULL. */
int os_init(const char *sysfs_root, const char *procfs_root, os_fail *f);
int os_is_sim(void);
const char *os_mode_name(void);

/* The path as the host sees it (rewritten under the test roots in real mode). */
void os_host_path(const char *canonical, char *out, size_t n);

/* Reads a whole kernel file (at most max bytes; more is EFBIG). */
int os_read_file(const char *path, buf *out, size_t max, os_fail *f);
/* One open(O_WRONLY) and ONE write() of the whole buffer; *written gets what write() returned. */
int os_write_once(const char *path, const void *data, size_t len, size_t *written, os_fail *f);
/* Names in a directory, without "." and "..", unsorted. */
int os_list_dir(const char *path, strlist *out, os_fail *f);
/* Sets *exists (0/1). */
int os_exists(const char *path, int *exists, os_fail *f);
int os_rmdir(const char *path, os_fail *f);
/* mount("none", "/sys/fs/multikernel", "multikernel", 0, NULL). */
int os_mount_multikernel(os_fail *f);

/* kexec_file_load(kernel_fd, initrd_fd or -1, strlen(cmdline)+1, cmdline, flags). */
int os_kexec_load(const char *kernel, const char *initrd, const char *cmdline, unsigned long flags, os_fail *f);
/* kexec_file_load(-1, -1, 0, NULL, flags). */
int os_kexec_unload(unsigned long flags, os_fail *f);
/* reboot(LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2, cmd, &(int){mk_id}). */
int os_reboot_mk(unsigned int cmd, int mk_id, os_fail *f);
/*
 * The same call made in a child process; gives up waiting after timeout_ms and reports
 * f->timed_out = 1 (the child is killed; the kernel call may still complete).
 */
int os_reboot_mk_timed(unsigned int cmd, int mk_id, int timeout_ms, os_fail *f);

/* The lock file used when --lock is not given. */
const char *os_default_lock_path(void);
/* flock (exclusive or shared) with polling until timeout_ms; held until os_unlock or the process exits. */
int os_lock(const char *path, int exclusive, int timeout_ms, os_fail *f);
/* Releases the lock os_lock took, if any (session mode releases it after each request). */
void os_unlock(void);

/*
 * Local files of mkctl itself (the per-boot CPU map cache): ordinary paths on the machine
 * mkctl runs on, in sim mode too; never rewritten under the test roots, never sent to the
 * simulator.
 */
/* The cache directory used when --cpu-cache-dir is not given: /run/multikernel; in sim mode the
 * directory of MKCTL_SIM_SOCKET; NULL (no cache) when --sysfs-root/--procfs-root were given. */
const char *os_default_cpu_cache_dir(void);
/* Reads a whole local file (not following a final symlink); more than max bytes is EFBIG. */
int os_local_read(const char *path, buf *out, size_t max, os_fail *f);
/* Creates dir (and missing parents, 0755), writes dir/name atomically: a temp file in dir, then rename. */
int os_local_replace(const char *dir, const char *name, const void *data, size_t len, os_fail *f);

/* Reads stdin to EOF; more than max bytes sets *too_big and stops. */
int os_read_stdin(buf *out, size_t max, int *too_big, os_fail *f);
/*
 * Appends the next line of stdin (without its newline) to out. A line longer than max bytes
 * is read to its end and dropped, with *too_long set; *eof is set at the end of stdin when no
 * line is left. Never mixed with os_read_stdin.
 */
int os_read_line(buf *out, size_t max, int *too_long, int *eof, os_fail *f);
/* Writes all of data to stdout. */
int os_write_stdout(const char *data, size_t len);

/* Name of an errno ("EBUSY"), or NULL if unknown. */
const char *os_errno_name(int err);

#endif
