// readdir(3)'s d_type, which Node hides (it lstat()s an entry whose type the filesystem did not
// give): whether a filesystem fills d_type in, as overlayfs needs (docker's "Supports d_type").
#include "berth.h"
#include <dirent.h>
#include <errno.h>
#include <string.h>

// direntTypes(dir): true when every entry of dir (. and .. aside) comes with its type
napi_value berth_dirent_types(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  char path[BERTH_PATH_MAX];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (!berth_string_arg(env, argv, argc, 0, path, sizeof path)) return NULL;
  DIR *d = opendir(path);
  if (!d) return berth_throw_errno(env, "opendir", path, errno);
  bool known = true;
  struct dirent *e;
  errno = 0;
  while ((e = readdir(d)) != NULL) {
    if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) continue;
    if (e->d_type == DT_UNKNOWN) known = false;
  }
  int err = errno;
  closedir(d);
  if (err) return berth_throw_errno(env, "readdir", path, err);
  napi_value out;
  napi_get_boolean(env, known, &out);
  return out;
}
