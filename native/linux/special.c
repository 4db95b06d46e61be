// mknod(2) and lsetxattr(2), which Node lacks: an unpacked layer's device nodes, FIFOs and
// overlayfs whiteouts (0:0 character devices) and opaque directories (trusted.overlay.opaque).
// Running mknod(8) or setfattr(1) for each forked the whole node process: 2-5 ms a whiteout.
#include "berth.h"
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>

// mknod(path, mode, major, minor): mode holds the type (S_IFCHR, S_IFBLK, S_IFIFO) and the
// permission bits, set as given (the umask would take some away); an existing path is EEXIST
napi_value berth_mknod(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  char path[BERTH_PATH_MAX];
  int32_t mode, major, minor;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (!berth_string_arg(env, argv, argc, 0, path, sizeof path) || !berth_int_arg(env, argv, argc, 1, &mode) ||
      !berth_int_arg(env, argv, argc, 2, &major) || !berth_int_arg(env, argv, argc, 3, &minor)) {
    return NULL;
  }
  mode_t type = (mode_t)mode & S_IFMT;
  if (type != S_IFCHR && type != S_IFBLK && type != S_IFIFO) {
    napi_throw_range_error(env, NULL, "mknod: mode must name a character device, a block device or a FIFO");
    return NULL;
  }
  if (mknod(path, (mode_t)mode, makedev((unsigned)major, (unsigned)minor)) < 0) return berth_throw_errno(env, "mknod", path, errno);
  // the node was just made and mknod does not follow links: chmod reaches that node
  if (((mode_t)mode & 07777) != 0 && chmod(path, (mode_t)mode & 07777) < 0) return berth_throw_errno(env, "chmod", path, errno);
  return NULL;
}

// setXattr(path, name, value): on the path itself, never a symlink's target; value a string or
// a Buffer (a file capability is binary)
napi_value berth_set_xattr(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  char path[BERTH_PATH_MAX], name[256], text[4096];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (!berth_string_arg(env, argv, argc, 0, path, sizeof path) || !berth_string_arg(env, argv, argc, 1, name, sizeof name)) return NULL;
  const void *value = text;
  size_t len = 0;
  bool is_buffer = false;
  if (argc >= 3) napi_is_buffer(env, argv[2], &is_buffer);
  if (is_buffer) {
    void *data = NULL;
    napi_get_buffer_info(env, argv[2], &data, &len);
    value = data;
  } else {
    if (!berth_string_arg(env, argv, argc, 2, text, sizeof text)) return NULL;
    len = strlen(text);
  }
  if (lsetxattr(path, name, value, len, 0) < 0) return berth_throw_errno(env, "setxattr", path, errno);
  return NULL;
}

// topDir(path): marks a directory as the top of a directory hierarchy (FS_TOPDIR_FL, chattr +T),
// so ext4's allocator spreads the directories made in it over the block groups instead of
// packing them into the group of their parent. true when the flag is on (or was already), false
// when the filesystem has no such flag (btrfs, xfs, tmpfs refuse it); the directory must exist.
napi_value berth_top_dir(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  char path[BERTH_PATH_MAX];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (!berth_string_arg(env, argv, argc, 0, path, sizeof path)) return NULL;
  int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) return berth_throw_errno(env, "open", path, errno);
  int flags = 0;
  bool on = ioctl(fd, FS_IOC_GETFLAGS, &flags) == 0;
  if (on && !(flags & FS_TOPDIR_FL)) {
    flags |= FS_TOPDIR_FL;
    on = ioctl(fd, FS_IOC_SETFLAGS, &flags) == 0;
  }
  close(fd);
  napi_value result;
  napi_get_boolean(env, on, &result);
  return result;
}
