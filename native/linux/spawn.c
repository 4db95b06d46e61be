// posix_spawn for the programs berth runs on every container start (conmon, CNI plugins, runc).
// Node's child_process forks, which copies the page tables of a 60 MB process (~1.5-3 ms a
// program, on the JS thread); posix_spawn shares the memory until exec (CLONE_VM|CLONE_VFORK).
// The child's fds 0..n-1 come from the `fds` list (-1: /dev/null); every signal is back to its
// default and unblocked, as libuv does for its children. Each wait has a thread of its own.
#include "berth.h"
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_FDS 16
#define MAX_ARGS 4096

extern char **environ;

static void free_strings(char **v, size_t n) {
  if (v == NULL) return;
  for (size_t i = 0; i < n; i++) free(v[i]);
  free(v);
}

// a JS string array as a NULL-terminated C array (NULL with an exception pending on failure)
static char **string_array(napi_env env, napi_value arr, size_t *count) {
  uint32_t n = 0;
  bool is_array = false;
  if (napi_is_array(env, arr, &is_array) != napi_ok || !is_array || napi_get_array_length(env, arr, &n) != napi_ok || n > MAX_ARGS) {
    napi_throw_type_error(env, NULL, "expected an array of strings");
    return NULL;
  }
  char **v = calloc(n + 1, sizeof *v);
  if (v == NULL) return NULL;
  for (uint32_t i = 0; i < n; i++) {
    napi_value item;
    size_t len = 0;
    napi_get_element(env, arr, i, &item);
    if (napi_get_value_string_utf8(env, item, NULL, 0, &len) != napi_ok) {
      free_strings(v, i);
      napi_throw_type_error(env, NULL, "expected an array of strings");
      return NULL;
    }
    v[i] = malloc(len + 1);
    if (v[i] == NULL) {
      free_strings(v, i);
      return NULL;
    }
    napi_get_value_string_utf8(env, item, v[i], len + 1, &len);
  }
  *count = n;
  return v;
}

// spawn(file, argv, env | null, fds, setsid, cwd): number — the child's pid (cwd "": ours)
napi_value berth_spawn(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value argv[6], result;
  char file[BERTH_PATH_MAX];
  char cwd[BERTH_PATH_MAX];
  size_t nargs = 0, nenv = 0;
  char **args = NULL, **envp = NULL;
  int tmp[MAX_FDS];
  uint32_t nfds = 0;
  bool new_session = false, env_given = false;
  napi_valuetype t;
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;
  int err = 0;
  const char *what = "posix_spawn";
  pid_t pid = -1;

  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (!berth_string_arg(env, argv, argc, 0, file, sizeof file) || !berth_string_arg(env, argv, argc, 5, cwd, sizeof cwd)) return NULL;
  if (argc < 6 || napi_get_array_length(env, argv[3], &nfds) != napi_ok || nfds > MAX_FDS || napi_get_value_bool(env, argv[4], &new_session) != napi_ok) {
    napi_throw_type_error(env, NULL, "spawn(file, argv, env, fds, setsid, cwd)");
    return NULL;
  }
  args = string_array(env, argv[1], &nargs);
  if (args == NULL) return NULL;
  napi_typeof(env, argv[2], &t);
  env_given = t != napi_null && t != napi_undefined;
  if (env_given) {
    envp = string_array(env, argv[2], &nenv);
    if (envp == NULL) {
      free_strings(args, nargs);
      return NULL;
    }
  }
  for (uint32_t i = 0; i < nfds; i++) tmp[i] = -1;
  posix_spawn_file_actions_init(&actions);
  posix_spawnattr_init(&attr);
  for (uint32_t i = 0; i < nfds && err == 0; i++) {
    napi_value item;
    int32_t fd = -1;
    napi_get_element(env, argv[3], i, &item);
    napi_get_value_int32(env, item, &fd);
    if (fd < 0) {
      err = posix_spawn_file_actions_addopen(&actions, (int)i, "/dev/null", O_RDWR, 0);
      continue;
    }
    // a copy above the child's fd range, so no dup2 overwrites a source still to be moved
    tmp[i] = fcntl(fd, F_DUPFD_CLOEXEC, MAX_FDS);
    if (tmp[i] < 0) {
      err = errno;
      what = "fcntl";
      break;
    }
    err = posix_spawn_file_actions_adddup2(&actions, tmp[i], (int)i);
  }
  if (err == 0 && cwd[0] != '\0') err = posix_spawn_file_actions_addchdir_np(&actions, cwd);
  if (err == 0) {
    sigset_t none, all;
    short flags = POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF;
    sigemptyset(&none);
    sigfillset(&all);
    sigdelset(&all, SIGKILL);
    sigdelset(&all, SIGSTOP);
    posix_spawnattr_setsigmask(&attr, &none);
    posix_spawnattr_setsigdefault(&attr, &all);
    if (new_session) flags |= POSIX_SPAWN_SETSID;
    posix_spawnattr_setflags(&attr, flags);
    err = posix_spawn(&pid, file, &actions, &attr, args, env_given ? envp : environ);
  }
  for (uint32_t i = 0; i < nfds; i++) {
    if (tmp[i] >= 0) close(tmp[i]);
  }
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  free_strings(args, nargs);
  free_strings(envp, nenv);
  if (err != 0) return berth_throw_errno(env, what, file, err);
  napi_create_int32(env, pid, &result);
  return result;
}

// pipe(): [read, write], both close-on-exec
napi_value berth_pipe(napi_env env, napi_callback_info info) {
  (void)info;
  int fds[2];
  napi_value result, r, w;
  if (pipe2(fds, O_CLOEXEC) < 0) return berth_throw_errno(env, "pipe", NULL, errno);
  napi_create_array_with_length(env, 2, &result);
  napi_create_int32(env, fds[0], &r);
  napi_create_int32(env, fds[1], &w);
  napi_set_element(env, result, 0, r);
  napi_set_element(env, result, 1, w);
  return result;
}

struct waiter {
  napi_threadsafe_function tsfn;
  napi_deferred deferred;
  pid_t pid;
  int status;
  int err;
};

// back on the JS thread: settle the promise
static void waiter_done(napi_env env, napi_value js_cb, void *context, void *data) {
  (void)js_cb;
  (void)context;
  struct waiter *w = data;
  if (env == NULL) {  // node is shutting down
    free(w);
    return;
  }
  napi_value result, code, sig;
  if (w->err != 0) {
    berth_throw_errno(env, "waitpid", NULL, w->err);
    napi_value e;
    napi_get_and_clear_last_exception(env, &e);
    napi_reject_deferred(env, w->deferred, e);
  } else {
    napi_create_object(env, &result);
    if (WIFEXITED(w->status)) {
      napi_create_int32(env, WEXITSTATUS(w->status), &code);
      napi_get_null(env, &sig);
    } else {
      napi_get_null(env, &code);
      napi_create_int32(env, WIFSIGNALED(w->status) ? WTERMSIG(w->status) : 0, &sig);
    }
    napi_set_named_property(env, result, "code", code);
    napi_set_named_property(env, result, "signal", sig);
    napi_resolve_deferred(env, w->deferred, result);
  }
  free(w);
}

// a thread of its own per child, detached: a blocked waitpid on libuv's pool would keep node
// from exiting (it joins its pool at exit) should berth fail while a child still runs
static void *waiter_thread(void *arg) {
  struct waiter *w = arg;
  napi_threadsafe_function tsfn = w->tsfn;
  pid_t r;
  do r = waitpid(w->pid, &w->status, 0);
  while (r < 0 && errno == EINTR);
  w->err = r < 0 ? errno : 0;
  if (napi_call_threadsafe_function(tsfn, w, napi_tsfn_blocking) != napi_ok) free(w);
  napi_release_threadsafe_function(tsfn, napi_tsfn_release);
  return NULL;
}

// waitpid(pid): Promise<{ code: number | null, signal: number | null }>
napi_value berth_waitpid(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], promise, name;
  int32_t pid = 0;
  pthread_t t;
  pthread_attr_t attr;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (!berth_int_arg(env, argv, argc, 0, &pid)) return NULL;
  struct waiter *w = calloc(1, sizeof *w);
  if (w == NULL) return berth_throw_errno(env, "waitpid", NULL, ENOMEM);
  w->pid = pid;
  napi_create_promise(env, &w->deferred, &promise);
  napi_create_string_utf8(env, "berth-waitpid", NAPI_AUTO_LENGTH, &name);
  if (napi_create_threadsafe_function(env, NULL, NULL, name, 0, 1, NULL, NULL, NULL, waiter_done, &w->tsfn) != napi_ok) {
    free(w);
    return berth_throw_errno(env, "waitpid", NULL, EAGAIN);
  }
  pthread_attr_init(&attr);
  pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
  pthread_attr_setstacksize(&attr, 64 * 1024);
  int err = pthread_create(&t, &attr, waiter_thread, w);
  pthread_attr_destroy(&attr);
  if (err != 0) {
    napi_release_threadsafe_function(w->tsfn, napi_tsfn_abort);
    free(w);
    return berth_throw_errno(env, "pthread_create", NULL, err);
  }
  return promise;
}

// tryWait(pid): { code, signal } | null — reaps the child if it has ended, never blocks
napi_value berth_try_wait(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], result, code, sig;
  int32_t pid = 0;
  int status = 0;
  pid_t r;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (!berth_int_arg(env, argv, argc, 0, &pid)) return NULL;
  do r = waitpid(pid, &status, WNOHANG);
  while (r < 0 && errno == EINTR);
  if (r < 0) return berth_throw_errno(env, "waitpid", NULL, errno);
  if (r == 0) {
    napi_get_null(env, &result);
    return result;
  }
  napi_create_object(env, &result);
  if (WIFEXITED(status)) {
    napi_create_int32(env, WEXITSTATUS(status), &code);
    napi_get_null(env, &sig);
  } else {
    napi_get_null(env, &code);
    napi_create_int32(env, WIFSIGNALED(status) ? WTERMSIG(status) : 0, &sig);
  }
  napi_set_named_property(env, result, "code", code);
  napi_set_named_property(env, result, "signal", sig);
  return result;
}
