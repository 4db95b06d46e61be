// berth-seqpacket: the two calls Node cannot make on an AF_UNIX SOCK_SEQPACKET socket (conmon's
// attach socket): connect one, and half-close it. Reading and writing go through Node's fs on
// the returned fd (one read is one packet), so this stays the whole of berth's native code.
#define _GNU_SOURCE
#include <errno.h>
#include <node_api.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static napi_value throw_errno(napi_env env, const char *what, int err) {
  char msg[512];
  snprintf(msg, sizeof msg, "%s: %s", what, strerror(err));
  napi_throw_error(env, NULL, msg);
  return NULL;
}

// connect(path: string): number — a blocking SOCK_SEQPACKET fd, close-on-exec
static napi_value Connect(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  struct sockaddr_un addr;
  size_t len = 0;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < 1) {
    napi_throw_type_error(env, NULL, "connect(path) needs a path");
    return NULL;
  }
  if (napi_get_value_string_utf8(env, argv[0], NULL, 0, &len) != napi_ok) {
    napi_throw_type_error(env, NULL, "connect(path): path must be a string");
    return NULL;
  }
  memset(&addr, 0, sizeof addr);
  if (len >= sizeof addr.sun_path) return throw_errno(env, "connect", ENAMETOOLONG);
  napi_get_value_string_utf8(env, argv[0], addr.sun_path, sizeof addr.sun_path, &len);
  addr.sun_family = AF_UNIX;
  int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
  if (fd < 0) return throw_errno(env, "socket", errno);
  if (connect(fd, (struct sockaddr *)&addr, sizeof addr) < 0) {
    int err = errno;
    close(fd);
    return throw_errno(env, "connect", err);
  }
  napi_value result;
  napi_create_int32(env, fd, &result);
  return result;
}

// shutdown(fd: number, how: number): void — 1 half-closes (the container's stdin), 2 both ways
static napi_value Shutdown(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  int32_t fd = -1, how = SHUT_RDWR;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 2 || napi_get_value_int32(env, argv[0], &fd) != napi_ok || napi_get_value_int32(env, argv[1], &how) != napi_ok) {
    napi_throw_type_error(env, NULL, "shutdown(fd, how) needs two numbers");
    return NULL;
  }
  if (shutdown(fd, how) < 0 && errno != ENOTCONN) return throw_errno(env, "shutdown", errno);
  return NULL;
}

static napi_value Init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"connect", NULL, Connect, NULL, NULL, NULL, napi_default, NULL},
      {"shutdown", NULL, Shutdown, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
