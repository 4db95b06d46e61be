// flock(2), which Node lacks: berth's per-object locks (a container, a network, a volume). The
// kernel drops a flock with the last descriptor of its open file, so a holder killed with -9
// never leaves a lock behind.
#include "berth.h"
#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

// lockTry(path, exclusive): open (creating) path and take its lock without waiting; the
// descriptor holding it (close-on-exec, closing it releases the lock), or -1 while another open
// file holds a conflicting lock. A lock file unlinked (or replaced) by its holder between our
// open and our lock is not the lock any more: checked, and the path opened again.
napi_value berth_lock_try(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2], result;
  char path[BERTH_PATH_MAX];
  bool exclusive = true;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (!berth_string_arg(env, argv, argc, 0, path, sizeof path)) return NULL;
  if (argc > 1 && napi_get_value_bool(env, argv[1], &exclusive) != napi_ok) {
    napi_throw_type_error(env, NULL, "expected a boolean argument");
    return NULL;
  }
  for (int attempt = 0; attempt < 100; attempt++) {
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) return berth_throw_errno(env, "open", path, errno);
    int r;
    do r = flock(fd, (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB);
    while (r < 0 && errno == EINTR);
    if (r < 0) {
      int err = errno;
      close(fd);
      if (err == EWOULDBLOCK) {
        napi_create_int32(env, -1, &result);
        return result;
      }
      return berth_throw_errno(env, "flock", path, err);
    }
    struct stat held, now;
    if (fstat(fd, &held) == 0 && stat(path, &now) == 0 && held.st_ino == now.st_ino && held.st_dev == now.st_dev) {
      napi_create_int32(env, fd, &result);
      return result;
    }
    close(fd);
  }
  return berth_throw_errno(env, "flock", path, EAGAIN);
}
