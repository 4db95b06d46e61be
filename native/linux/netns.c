// Named network namespaces as iproute2 makes them (`ip netns add/delete`): a file under
// /run/netns with the namespace bind-mounted on it, /run/netns itself a shared mount so the
// unmount reaches copies of it in other mount namespaces. The namespace is made on a thread of
// its own (unshare and setns act on the calling thread), which also brings its loopback up.
// linkDelete removes an interface inside one (the veth of a container whose process ended).
#include "berth.h"
#include <errno.h>
#include <fcntl.h>
#include <linux/magic.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
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
  char ifname[IF_NAMESIZE];
  int err;
  const char *what;
  int deleted;
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
  int fd = open(job.path, O_RDONLY | O_CREAT | O_CLOEXEC, 0);
  if (fd < 0) return berth_throw_errno(env, "creating", job.path, errno);
  close(fd);
  int err = berth_on_own_thread(create_thread, &job);
  if (err == 0 && job.err != 0) err = job.err;
  if (err != 0) {
    unlink(job.path);
    return berth_throw_errno(env, job.what != NULL ? job.what : "pthread_create", job.path, err);
  }
  napi_get_boolean(env, true, &result);
  return result;
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

static void *link_delete_thread(void *arg) {
  struct ns_job *j = arg;
  int fd = open(j->path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return fail(j, "open"), NULL;
  if (setns(fd, CLONE_NEWNET) < 0) {
    // not a namespace (a stale file): nothing of it to delete
    if (errno != EINVAL) fail(j, "setns");
    close(fd);
    return NULL;
  }
  close(fd);
  unsigned int index = if_nametoindex(j->ifname);
  if (index == 0) {
    if (errno != ENODEV) fail(j, "if_nametoindex");
    return NULL;
  }
  int nl = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  if (nl < 0) return fail(j, "netlink socket"), NULL;
  struct {
    struct nlmsghdr n;
    struct ifinfomsg i;
  } req;
  memset(&req, 0, sizeof req);
  req.n.nlmsg_len = NLMSG_LENGTH(sizeof(struct ifinfomsg));
  req.n.nlmsg_type = RTM_DELLINK;
  req.n.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
  req.n.nlmsg_seq = 1;
  req.i.ifi_family = AF_UNSPEC;
  req.i.ifi_index = (int)index;
  struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
  if (sendto(nl, &req, req.n.nlmsg_len, 0, (struct sockaddr *)&kernel, sizeof kernel) < 0) {
    fail(j, "netlink send");
    close(nl);
    return NULL;
  }
  char buf[1024];
  ssize_t n = recv(nl, buf, sizeof buf, 0);
  if (n < 0) {
    fail(j, "netlink receive");
  } else {
    struct nlmsghdr *h = (struct nlmsghdr *)buf;
    if (NLMSG_OK(h, (size_t)n) && h->nlmsg_type == NLMSG_ERROR) {
      struct nlmsgerr *e = NLMSG_DATA(h);
      if (e->error == 0) j->deleted = 1;
      else if (e->error != -ENODEV) {
        errno = -e->error;
        fail(j, "deleting the interface");
      }
    }
  }
  close(nl);
  return NULL;
}

struct link_work {
  napi_async_work work;
  napi_deferred deferred;
  struct ns_job job;
  int err;
};

// on a libuv pool thread, which must keep its namespace: the setns happens on a thread of its own
static void link_delete_execute(napi_env env, void *data) {
  (void)env;
  struct link_work *w = data;
  w->err = berth_on_own_thread(link_delete_thread, &w->job);
  if (w->err == 0 && w->job.err != 0) w->err = w->job.err;
}

static void link_delete_complete(napi_env env, napi_status status, void *data) {
  struct link_work *w = data;
  napi_value result;
  if (status != napi_ok) {
    napi_get_undefined(env, &result);
    napi_reject_deferred(env, w->deferred, result);
  } else if (w->err != 0) {
    char msg[BERTH_PATH_MAX + 256];
    napi_value code, text;
    const char *name = strerrorname_np(w->err);
    snprintf(msg, sizeof msg, "%s %s: %s", w->job.what != NULL ? w->job.what : "pthread_create", w->job.ifname, strerror(w->err));
    napi_create_string_utf8(env, name != NULL ? name : "EUNKNOWN", NAPI_AUTO_LENGTH, &code);
    napi_create_string_utf8(env, msg, NAPI_AUTO_LENGTH, &text);
    napi_create_error(env, code, text, &result);
    napi_reject_deferred(env, w->deferred, result);
  } else {
    napi_get_boolean(env, w->job.deleted != 0, &result);
    napi_resolve_deferred(env, w->deferred, result);
  }
  napi_delete_async_work(env, w->work);
  free(w);
}

// linkDelete(netnsPath, ifname): Promise<boolean> — false when there was no such interface. The
// kernel waits for RCU grace periods while it unregisters a veth (5-15 ms): off the JS thread.
napi_value berth_link_delete(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2], promise, name;
  struct link_work *w = calloc(1, sizeof *w);
  if (w == NULL) return berth_throw_errno(env, "linkDelete", NULL, ENOMEM);
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (!berth_string_arg(env, argv, argc, 0, w->job.path, sizeof w->job.path) ||
      !berth_string_arg(env, argv, argc, 1, w->job.ifname, sizeof w->job.ifname)) {
    free(w);
    return NULL;
  }
  napi_create_promise(env, &w->deferred, &promise);
  napi_create_string_utf8(env, "berth-link-delete", NAPI_AUTO_LENGTH, &name);
  napi_create_async_work(env, NULL, name, link_delete_execute, link_delete_complete, w, &w->work);
  napi_queue_async_work(env, w->work);
  return promise;
}
