// mount(2) and umount2(2) without running mount(8). An overlay's lowerdir names are relative to
// the layer link directory (to fit 120 layers into one page of options), so the mount runs on
// a thread of its own that unshares its working directory and changes into that directory.
#include "berth.h"
#include <errno.h>
#include <sched.h>
#include <string.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

struct mount_job {
  char source[BERTH_PATH_MAX];
  char target[BERTH_PATH_MAX];
  char fstype[64];
  char data[BERTH_PATH_MAX];
  char cwd[BERTH_PATH_MAX];
  unsigned long flags;
  int err;
  const char *what;
};

static void *mount_thread(void *arg) {
  struct mount_job *j = arg;
  if (j->cwd[0] != '\0') {
    // CLONE_FS: this thread gets its own cwd; Node's threads keep theirs
    if (unshare(CLONE_FS) < 0) {
      j->err = errno;
      j->what = "unshare";
      return NULL;
    }
    if (chdir(j->cwd) < 0) {
      j->err = errno;
      j->what = "chdir";
      return NULL;
    }
  }
  if (mount(j->source, j->target, j->fstype, j->flags, j->data[0] != '\0' ? j->data : NULL) < 0) {
    j->err = errno;
    j->what = "mount";
  }
  return NULL;
}

// mount(source, target, fstype, flags, data, cwd): void; cwd "" = this process's
napi_value berth_mount(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value argv[6];
  int32_t flags = 0;
  static struct mount_job job;  // large; calls come from the one JS thread
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  memset(&job, 0, sizeof job);
  if (!berth_string_arg(env, argv, argc, 0, job.source, sizeof job.source) ||
      !berth_string_arg(env, argv, argc, 1, job.target, sizeof job.target) ||
      !berth_string_arg(env, argv, argc, 2, job.fstype, sizeof job.fstype) ||
      !berth_int_arg(env, argv, argc, 3, &flags) ||
      !berth_string_arg(env, argv, argc, 4, job.data, sizeof job.data) ||
      !berth_string_arg(env, argv, argc, 5, job.cwd, sizeof job.cwd)) {
    return NULL;
  }
  job.flags = (unsigned long)(uint32_t)flags;
  int err = berth_on_own_thread(mount_thread, &job);
  if (err != 0) return berth_throw_errno(env, "pthread_create", NULL, err);
  if (job.err != 0) return berth_throw_errno(env, job.what, job.target, job.err);
  return NULL;
}

// umount(target, flags): void
napi_value berth_umount(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  char target[BERTH_PATH_MAX];
  int32_t flags = 0;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (!berth_string_arg(env, argv, argc, 0, target, sizeof target) || !berth_int_arg(env, argv, argc, 1, &flags)) return NULL;
  if (umount2(target, flags) < 0) return berth_throw_errno(env, "umount", target, errno);
  return NULL;
}

#ifndef STATX_ATTR_MOUNT_ROOT
#define STATX_ATTR_MOUNT_ROOT 0x00002000
#endif

// mountRoot(path): whether path is the root of a mount in this mount namespace, from statx(2)'s
// STATX_ATTR_MOUNT_ROOT (Linux 5.8): one system call instead of reading the whole of
// /proc/self/mountinfo (hundreds of lines on a host running containers). null when the kernel
// does not say (older kernels), for the caller to read mountinfo. Symlinks are not followed.
napi_value berth_mount_root(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  char path[BERTH_PATH_MAX];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (!berth_string_arg(env, argv, argc, 0, path, sizeof path)) return NULL;
  struct statx st;
  if (statx(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW | AT_STATX_DONT_SYNC, 0, &st) < 0) return berth_throw_errno(env, "statx", path, errno);
  napi_value out;
  if (!(st.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT)) {
    napi_get_null(env, &out);
    return out;
  }
  napi_get_boolean(env, (st.stx_attributes & STATX_ATTR_MOUNT_ROOT) != 0, &out);
  return out;
}
