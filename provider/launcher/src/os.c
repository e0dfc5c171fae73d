/* The launcher's OS boundary (Linux): files, sockets, processes, signals. */
#define _GNU_SOURCE
#include "os.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int os_self_exe(char *out, size_t n) {
    ssize_t len = readlink("/proc/self/exe", out, n - 1);
    if (len <= 0) {
        return -1;
    }
    out[len] = '\0';
    return 0;
}

int os_realpath(const char *path, char *out, size_t n) {
    char buf[PATH_MAX];
    if (realpath(path, buf) == NULL || strlen(buf) >= n) {
        return -1;
    }
    memcpy(out, buf, strlen(buf) + 1);
    return 0;
}

int os_is_file(const char *path) {
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

int os_is_executable_file(const char *path) {
    return os_is_file(path) && access(path, X_OK) == 0;
}

int os_stamp(const char *path, struct os_stamp *out) {
    struct stat st;
    if (stat(path, &st) != 0) {
        return -1;
    }
    out->size = (long long)st.st_size;
    out->mtime_sec = (long long)st.st_mtim.tv_sec;
    out->mtime_nsec = (long long)st.st_mtim.tv_nsec;
    out->inode = (long long)st.st_ino;
    return 0;
}

long long os_file_size(const char *path) {
    struct stat st;
    return stat(path, &st) == 0 ? (long long)st.st_size : 0;
}

long os_read_file(const char *path, long long offset, char *buf, size_t n) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return -1;
    }
    ssize_t got = pread(fd, buf, n - 1, (off_t)offset);
    close(fd);
    if (got < 0) {
        return -1;
    }
    buf[got] = '\0';
    return (long)got;
}

int os_private_dir(const char *dir, int create_parent, char *err, size_t n) {
    if (create_parent) {
        char parent[PATH_MAX];
        snprintf(parent, sizeof parent, "%s", dir);
        char *slash = strrchr(parent, '/');
        if (slash != NULL && slash != parent) {
            *slash = '\0';
            if (mkdir(parent, 0700) != 0 && errno != EEXIST) {
                snprintf(err, n, "cannot create %s (%s); set TF_JVM_DAEMON_DIR to a directory of your own", parent,
                         strerror(errno));
                return -1;
            }
        }
    }
    if (mkdir(dir, 0700) != 0 && errno != EEXIST) {
        snprintf(err, n, "cannot create the daemon socket directory %s (%s); set TF_JVM_DAEMON_DIR or TF_JVM_DAEMON=off",
                 dir, strerror(errno));
        return -1;
    }
    struct stat st;
    if (lstat(dir, &st) != 0) {
        snprintf(err, n, "cannot read the daemon socket directory %s (%s)", dir, strerror(errno));
        return -1;
    }
    if (!S_ISDIR(st.st_mode)) {
        snprintf(err, n, "the daemon socket directory %s is not a directory; remove it", dir);
        return -1;
    }
    if (st.st_uid != geteuid()) {
        snprintf(err, n, "the daemon socket directory %s belongs to uid %u, not to you; remove it or set TF_JVM_DAEMON_DIR",
                 dir, (unsigned)st.st_uid);
        return -1;
    }
    if ((st.st_mode & 077) != 0) {
        snprintf(err, n, "the daemon socket directory %s can be entered by other users; run chmod 700 %s", dir, dir);
        return -1;
    }
    return 0;
}

unsigned os_uid(void) {
    return (unsigned)geteuid();
}

int os_cwd(char *out, size_t n) {
    return getcwd(out, n) == NULL ? -1 : 0;
}

int os_connect_unix(const char *path) {
    struct sockaddr_un addr;
    memset(&addr, 0, sizeof addr);
    addr.sun_family = AF_UNIX;
    if (strlen(path) >= sizeof addr.sun_path) {
        errno = ENAMETOOLONG;
        return -1;
    }
    memcpy(addr.sun_path, path, strlen(path) + 1);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return -1;
    }
    if (connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) {
        int saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
    return fd;
}

long os_spawn_detached(const char *path, char *const argv[], char *const envp[], const char *log) {
    pid_t pid = fork();
    if (pid != 0) {
        return pid < 0 ? -1 : (long)pid;
    }
    /* Child: off Terraform's pipes and process group (its Ctrl-C must not reach the daemon). */
    setsid();
    signal(SIGINT, SIG_DFL);
    signal(SIGPIPE, SIG_DFL);
    int in = open("/dev/null", O_RDONLY);
    int out = open(log, O_WRONLY | O_CREAT | O_APPEND, 0600);
    if (in < 0 || out < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0) {
        _exit(126);
    }
    for (int fd = 3; fd < 1024; fd++) {
        close(fd);
    }
    if (chdir("/") != 0) {
        _exit(126);
    }
    execve(path, argv, envp);
    dprintf(2, "cannot run %s: %s\n", path, strerror(errno));
    _exit(127);
}

int os_child_exited(long pid, int *code) {
    int status = 0;
    pid_t r = waitpid((pid_t)pid, &status, WNOHANG);
    if (r == 0) {
        return 0;
    }
    if (r < 0) {
        return -1;
    }
    *code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
    return 1;
}

int os_read_full(int fd, void *buf, size_t n) {
    size_t done = 0;
    while (done < n) {
        ssize_t r = read(fd, (char *)buf + done, n - done);
        if (r < 0 && errno == EINTR) {
            continue;
        }
        if (r <= 0) {
            return done == 0 && r == 0 ? 0 : -1;
        }
        done += (size_t)r;
    }
    return 1;
}

int os_write_full(int fd, const void *buf, size_t n) {
    size_t done = 0;
    while (done < n) {
        ssize_t w = write(fd, (const char *)buf + done, n - done);
        if (w < 0 && errno == EINTR) {
            continue;
        }
        if (w <= 0) {
            return -1;
        }
        done += (size_t)w;
    }
    return 0;
}

int os_wait_readable(int fd, int timeout_ms) {
    /* A pipe's write end reports POLLERR once its reader has closed: stdout and stderr are
     * Terraform's pipes, so this notices Terraform's death without writing to them. */
    struct pollfd fds[3] = {{fd, POLLIN, 0}, {1, 0, 0}, {2, 0, 0}};
    int r = poll(fds, 3, timeout_ms);
    if (r < 0) {
        return errno == EINTR ? 0 : -1;
    }
    if ((fds[1].revents | fds[2].revents) & (POLLERR | POLLHUP)) {
        return -1;
    }
    return (fds[0].revents & (POLLIN | POLLHUP | POLLERR)) ? 1 : 0;
}

long os_parent(void) {
    return (long)getppid();
}

void os_close(int fd) {
    close(fd);
}

void os_sleep_ms(int ms) {
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

long long os_now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void os_ignore_interrupts(void) {
    /* Terraform sends SIGINT to its process group on Ctrl-C and then asks the provider to stop
     * over gRPC; the launcher must stay until the session ends. A write to a closed pipe is an
     * error return, not a signal. */
    signal(SIGINT, SIG_IGN);
    signal(SIGPIPE, SIG_IGN);
}

void os_exec(const char *path, char *const argv[]) {
    execv(path, argv);
}
