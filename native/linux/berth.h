// Shared by the files of berth's native addon: argument reading and errors that carry the
// errno name in .code, as Node's own fs errors do (EBUSY, EINVAL, ...).
#ifndef BERTH_H
#define BERTH_H
#define _GNU_SOURCE
#include <node_api.h>
#include <stdbool.h>
#include <stddef.h>

#define BERTH_PATH_MAX 4096

napi_value berth_throw_errno(napi_env env, const char *what, const char *subject, int err);
// copies argument i as a string into buf (size bytes); false (with a TypeError thrown) otherwise
int berth_string_arg(napi_env env, napi_value *argv, size_t argc, size_t i, char *buf, size_t size);
int berth_int_arg(napi_env env, napi_value *argv, size_t argc, size_t i, int32_t *out);
// runs fn(arg) on a new thread and waits: for calls that change per-thread state (namespaces,
// working directory) without touching the threads Node runs on
int berth_on_own_thread(void *(*fn)(void *), void *arg);

napi_value berth_connect(napi_env env, napi_callback_info info);
napi_value berth_shutdown(napi_env env, napi_callback_info info);
napi_value berth_mount(napi_env env, napi_callback_info info);
napi_value berth_umount(napi_env env, napi_callback_info info);
napi_value berth_mount_root(napi_env env, napi_callback_info info);
napi_value berth_netns_create(napi_env env, napi_callback_info info);
napi_value berth_netns_delete(napi_env env, napi_callback_info info);
napi_value berth_pod_ns_create(napi_env env, napi_callback_info info);
napi_value berth_spawn(napi_env env, napi_callback_info info);
napi_value berth_pipe(napi_env env, napi_callback_info info);
napi_value berth_waitpid(napi_env env, napi_callback_info info);
napi_value berth_try_wait(napi_env env, napi_callback_info info);
napi_value berth_sink_open(napi_env env, napi_callback_info info);
napi_value berth_sink_write(napi_env env, napi_callback_info info);
napi_value berth_sink_end(napi_env env, napi_callback_info info);
napi_value berth_sink_close(napi_env env, napi_callback_info info);
napi_value berth_mknod(napi_env env, napi_callback_info info);
napi_value berth_set_xattr(napi_env env, napi_callback_info info);
napi_value berth_top_dir(napi_env env, napi_callback_info info);
napi_value berth_lock_try(napi_env env, napi_callback_info info);
napi_value berth_dirent_types(napi_env env, napi_callback_info info);
#endif
