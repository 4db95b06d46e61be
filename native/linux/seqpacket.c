// The two calls Node cannot make on an AF_UNIX SOCK_SEQPACKET socket (conmon's attach socket):
// connect one, and half-close it. Reading and writing go through Node's fs on the returned fd
// (one read is one packet).
#include "berth.h"
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

// connect(path: string): number — a blocking SOCK_SEQPACKET fd, close-on-exec
napi_value berth_connect(napi_env env, napi_callback_info info) {
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
  if (len >= sizeof addr.sun_path) return berth_throw_errno(env, "connect", NULL, ENAMETOOLONG);
  napi_get_value_string_utf8(env, argv[0], addr.sun_path, sizeof addr.sun_path, &len);
  addr.sun_family = AF_UNIX;
  int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
  if (fd < 0) return berth_throw_errno(env, "socket", NULL, errno);
  if (connect(fd, (struct sockaddr *)&addr, sizeof addr) < 0) {
    int err = errno;
    close(fd);
    return berth_throw_errno(env, "connect", NULL, err);
  }
  napi_value result;
  napi_create_int32(env, fd, &result);
  return result;
}

// shutdown(fd: number, how: number): void — 1 half-closes (the container's stdin), 2 both ways
napi_value berth_shutdown(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  int32_t fd = -1, how = SHUT_RDWR;
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 2 || napi_get_value_int32(env, argv[0], &fd) != napi_ok || napi_get_value_int32(env, argv[1], &how) != napi_ok) {
    napi_throw_type_error(env, NULL, "shutdown(fd, how) needs two numbers");
    return NULL;
  }
  if (shutdown(fd, how) < 0 && errno != ENOTCONN) return berth_throw_errno(env, "shutdown", NULL, errno);
  return NULL;
}
