#ifndef C_PROCESS_SPAWN_H
#define C_PROCESS_SPAWN_H

#include <sys/types.h>

/// Starts `path` with `argv` and `envp` in its own process group, with an empty signal mask and
/// every signal's action at its default, its working directory `directory`, stdin from
/// /dev/null and stdout/stderr on the given descriptors. Returns 0 and the pid, or an errno.
int kisictl_spawn(pid_t *pid, const char *path, char *const argv[], char *const envp[], const char *directory,
                  int stdout_fd, int stderr_fd);

/// `pipe2(fds, O_CLOEXEC)`: no other child started meanwhile inherits the pipe.
int kisictl_pipe_cloexec(int fds[2]);

#endif
