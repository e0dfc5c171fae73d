/* The launcher's OS boundary: every system call the launcher makes is in os.c. */
#ifndef TFJVM_OS_H
#define TFJVM_OS_H

#include <stddef.h>

/* Identity of a file's contents as far as the launcher cares: a rebuilt jar changes one. */
struct os_stamp {
    long long size;
    long long mtime_sec;
    long long mtime_nsec;
    long long inode;
};

int os_self_exe(char *out, size_t n);
int os_realpath(const char *path, char *out, size_t n);
int os_is_file(const char *path);
int os_is_executable_file(const char *path);
int os_stamp(const char *path, struct os_stamp *out);
long long os_file_size(const char *path);
/* Reads up to n-1 bytes from offset, NUL-terminated; returns bytes read or -1. */
long os_read_file(const char *path, long long offset, char *buf, size_t n);
/* Creates dir 0700 when missing; checks it is a directory of ours others cannot enter.
 * Returns 0, or -1 with a message naming the fix in err. */
int os_private_dir(const char *dir, int create_parent, char *err, size_t n);
unsigned os_uid(void);
int os_cwd(char *out, size_t n);
/* Connected unix socket fd, or -1. */
int os_connect_unix(const char *path);
/* Starts path with argv/envp in a new session, stdin /dev/null, stdout and stderr appended to
 * log. Returns the pid or -1. */
long os_spawn_detached(const char *path, char *const argv[], char *const envp[], const char *log);
/* 1 when the child has exited (code set), 0 when still running, -1 on error. */
int os_child_exited(long pid, int *code);
int os_read_full(int fd, void *buf, size_t n);  /* 1 done, 0 EOF before anything, -1 error/short */
int os_write_full(int fd, const void *buf, size_t n);
void os_close(int fd);
/* Waits up to timeout_ms for fd to be readable: 1 readable, 0 timeout, -1 when stdout or
 * stderr lost their reader (Terraform is gone). */
int os_wait_readable(int fd, int timeout_ms);
long os_parent(void);
void os_sleep_ms(int ms);
long long os_now_ms(void);
void os_ignore_interrupts(void);
/* execv; returns only on failure. */
void os_exec(const char *path, char *const argv[]);

#endif
