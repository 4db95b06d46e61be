// berth-linux: the few Linux calls Node cannot make and berth would otherwise run a program for
// on every container start (mount, ip netns), and a spawn that does not fork: each exec costs
// 2-5 ms, each call here microseconds.
#include "berth.h"
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

napi_value berth_throw_errno(napi_env env, const char *what, const char *subject, int err) {
  char msg[BERTH_PATH_MAX + 256];
  napi_value code, text, error;
  const char *name = strerrorname_np(err);
  if (subject != NULL) snprintf(msg, sizeof msg, "%s %s: %s", what, subject, strerror(err));
  else snprintf(msg, sizeof msg, "%s: %s", what, strerror(err));
  napi_create_string_utf8(env, name != NULL ? name : "EUNKNOWN", NAPI_AUTO_LENGTH, &code);
  napi_create_string_utf8(env, msg, NAPI_AUTO_LENGTH, &text);
  napi_create_error(env, code, text, &error);
  napi_value no;
  napi_create_int32(env, err, &no);
  napi_set_named_property(env, error, "errno", no);
  napi_throw(env, error);
  return NULL;
}

int berth_string_arg(napi_env env, napi_value *argv, size_t argc, size_t i, char *buf, size_t size) {
  size_t len = 0;
  if (i >= argc || napi_get_value_string_utf8(env, argv[i], NULL, 0, &len) != napi_ok) {
    napi_throw_type_error(env, NULL, "expected a string argument");
    return 0;
  }
  if (len >= size) {
    napi_throw_range_error(env, NULL, "string argument too long");
    return 0;
  }
  napi_get_value_string_utf8(env, argv[i], buf, size, &len);
  if (strlen(buf) != len) {
    napi_throw_type_error(env, NULL, "string argument contains a NUL byte");
    return 0;
  }
  return 1;
}

int berth_int_arg(napi_env env, napi_value *argv, size_t argc, size_t i, int32_t *out) {
  if (i >= argc || napi_get_value_int32(env, argv[i], out) != napi_ok) {
    napi_throw_type_error(env, NULL, "expected a number argument");
    return 0;
  }
  return 1;
}

int berth_on_own_thread(void *(*fn)(void *), void *arg) {
  pthread_t t;
  int err = pthread_create(&t, NULL, fn, arg);
  if (err != 0) return err;
  return pthread_join(t, NULL);
}

static napi_value Init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"connect", NULL, berth_connect, NULL, NULL, NULL, napi_default, NULL},
      {"shutdown", NULL, berth_shutdown, NULL, NULL, NULL, napi_default, NULL},
      {"mount", NULL, berth_mount, NULL, NULL, NULL, napi_default, NULL},
      {"umount", NULL, berth_umount, NULL, NULL, NULL, napi_default, NULL},
      {"mountRoot", NULL, berth_mount_root, NULL, NULL, NULL, napi_default, NULL},
      {"netnsCreate", NULL, berth_netns_create, NULL, NULL, NULL, napi_default, NULL},
      {"netnsDelete", NULL, berth_netns_delete, NULL, NULL, NULL, napi_default, NULL},
      {"podNsCreate", NULL, berth_pod_ns_create, NULL, NULL, NULL, napi_default, NULL},
      {"spawn", NULL, berth_spawn, NULL, NULL, NULL, napi_default, NULL},
      {"pipe", NULL, berth_pipe, NULL, NULL, NULL, napi_default, NULL},
      {"waitpid", NULL, berth_waitpid, NULL, NULL, NULL, napi_default, NULL},
      {"tryWait", NULL, berth_try_wait, NULL, NULL, NULL, napi_default, NULL},
      {"layerSinkOpen", NULL, berth_sink_open, NULL, NULL, NULL, napi_default, NULL},
      {"layerSinkWrite", NULL, berth_sink_write, NULL, NULL, NULL, napi_default, NULL},
      {"layerSinkEnd", NULL, berth_sink_end, NULL, NULL, NULL, napi_default, NULL},
      {"layerSinkClose", NULL, berth_sink_close, NULL, NULL, NULL, napi_default, NULL},
      {"mknod", NULL, berth_mknod, NULL, NULL, NULL, napi_default, NULL},
      {"setXattr", NULL, berth_set_xattr, NULL, NULL, NULL, napi_default, NULL},
      {"topDir", NULL, berth_top_dir, NULL, NULL, NULL, napi_default, NULL},
      {"lockTry", NULL, berth_lock_try, NULL, NULL, NULL, napi_default, NULL},
      {"direntTypes", NULL, berth_dirent_types, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
