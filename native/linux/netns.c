// Named network namespaces as iproute2 makes them (`ip netns add/delete`): a file under
// /run/netns with the namespace bind-mounted on it, /run/netns itself a shared mount so the
// unmount reaches copies of it in other mount namespaces. The namespace is made on a thread of
// its own (unshare acts on the calling thread), which also brings its loopback up. Interfaces,
// addresses and routes are the CNI plugins' work, not this file's.
#include "berth.h"
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef NSFS_MAGIC
#define NSFS_MAGIC 0x6e736673
#endif

struct ns_job {
  char path[BERTH_PATH_MAX];
  int err;
  const char *what;
};

static int fail(struct ns_job *j, const char *what) {
  j->err = errno;
  j->what = what;
  return -1;
}

static void *create_thread(void *arg) {
  struct ns_job *j = arg;
  char self[64];
  struct ifreq ifr;
  if (unshare(CLONE_NEWNET) < 0) return fail(j, "unshare"), NULL;
  int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (s < 0) return fail(j, "socket"), NULL;
  memset(&ifr, 0, sizeof ifr);
  strcpy(ifr.ifr_name, "lo");
  if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0) {
    fail(j, "loopback flags");
    close(s);
    return NULL;
  }
  ifr.ifr_flags |= IFF_UP;
  if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0) {
    fail(j, "loopback up");
    close(s);
    return NULL;
  }
  close(s);
  snprintf(self, sizeof self, "/proc/self/task/%ld/ns/net", (long)syscall(SYS_gettid));
  if (mount(self, j->path, "none", MS_BIND, NULL) < 0) fail(j, "bind mount");
  return NULL;
}

static int is_namespace(const char *path) {
  struct statfs st;
  return statfs(path, &st) == 0 && (unsigned long)st.f_type == (unsigned long)NSFS_MAGIC;
}

// the directory shared, as `ip netns add` leaves it (bind-mounted on itself first when needed)
static int share_dir(struct ns_job *j, const char *dir) {
  if (mkdir(dir, 0755) < 0 && errno != EEXIST) return fail(j, "mkdir");
  for (int bound = 0;; bound = 1) {
    if (mount("", dir, "none", MS_SHARED | MS_REC, NULL) == 0) return 0;
    if (errno != EINVAL || bound) return fail(j, "making the namespace directory shared");
    if (mount(dir, dir, "none", MS_BIND | MS_REC, NULL) < 0) return fail(j, "bind mount of the namespace directory");
  }
}

// the file at path made, then `thread` run on a thread of its own to unshare and bind its new
// namespace there; on failure the file is removed again. Returns JS true.
static napi_value bind_new_namespace(napi_env env, const char *path, void *(*thread)(void *), void *job, const int *job_err, const char *const *job_what) {
  napi_value result;
  int fd = open(path, O_RDONLY | O_CREAT | O_CLOEXEC, 0);
  if (fd < 0) return berth_throw_errno(env, "creating", path, errno);
  close(fd);
  int err = berth_on_own_thread(thread, job);
  if (err == 0 && *job_err != 0) err = *job_err;
  if (err != 0) {
    unlink(path);
    return berth_throw_errno(env, *job_what != NULL ? *job_what : "pthread_create", path, err);
  }
  napi_get_boolean(env, true, &result);
  return result;
}

// netnsCreate(path): boolean — true when made, false when path already is a namespace
napi_value berth_netns_create(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], result;
  struct ns_job job;
  char dir[BERTH_PATH_MAX];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  memset(&job, 0, sizeof job);
  if (!berth_string_arg(env, argv, argc, 0, job.path, sizeof job.path)) return NULL;
  if (is_namespace(job.path)) {
    napi_get_boolean(env, false, &result);
    return result;
  }
  snprintf(dir, sizeof dir, "%s", job.path);
  char *slash = strrchr(dir, '/');
  if (slash == NULL || slash == dir) return berth_throw_errno(env, "netns", job.path, EINVAL);
  *slash = '\0';
  if (share_dir(&job, dir) < 0) return berth_throw_errno(env, job.what, dir, job.err);
  return bind_new_namespace(env, job.path, create_thread, &job, &job.err, &job.what);
}

// netnsDelete(path): void — absent is fine
napi_value berth_netns_delete(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  char path[BERTH_PATH_MAX];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (!berth_string_arg(env, argv, argc, 0, path, sizeof path)) return NULL;
  if (umount2(path, MNT_DETACH) < 0 && errno != EINVAL && errno != ENOENT) return berth_throw_errno(env, "umount", path, errno);
  if (unlink(path) < 0 && errno != ENOENT) return berth_throw_errno(env, "unlink", path, errno);
  return NULL;
}

// A pod's ipc or uts namespace (made before any of its containers, so they can all be created at
// once): a fresh one, the uts one named `hostname`, bind-mounted on path (no shared directory
// needed: these hold no interfaces, and path lives under berth's own run directory)
struct pod_ns_job {
  char path[BERTH_PATH_MAX];
  char hostname[256];
  int uts;
  int err;
  const char *what;
};

static void *pod_ns_thread(void *arg) {
  struct pod_ns_job *j = arg;
  char self[64];
  if (unshare(j->uts ? CLONE_NEWUTS : CLONE_NEWIPC) < 0) {
    j->err = errno;
    j->what = "unshare";
    return NULL;
  }
  if (j->uts && sethostname(j->hostname, strlen(j->hostname)) < 0) {
    j->err = errno;
    j->what = "sethostname";
    return NULL;
  }
  snprintf(self, sizeof self, "/proc/self/task/%ld/ns/%s", (long)syscall(SYS_gettid), j->uts ? "uts" : "ipc");
  if (mount(self, j->path, "none", MS_BIND, NULL) < 0) {
    j->err = errno;
    j->what = "bind mount";
  }
  return NULL;
}

// podNsCreate(path, kind, hostname): boolean — true when made, false when path already is a namespace
napi_value berth_pod_ns_create(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3], result;
  char kind[8];
  struct pod_ns_job job;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  memset(&job, 0, sizeof job);
  if (!berth_string_arg(env, argv, argc, 0, job.path, sizeof job.path)) return NULL;
  if (!berth_string_arg(env, argv, argc, 1, kind, sizeof kind)) return NULL;
  if (!berth_string_arg(env, argv, argc, 2, job.hostname, sizeof job.hostname)) return NULL;
  if (strcmp(kind, "uts") == 0) job.uts = 1;
  else if (strcmp(kind, "ipc") != 0) return berth_throw_errno(env, "namespace kind", kind, EINVAL);
  if (is_namespace(job.path)) {
    napi_get_boolean(env, false, &result);
    return result;
  }
  return bind_new_namespace(env, job.path, pod_ns_thread, &job, &job.err, &job.what);
}
