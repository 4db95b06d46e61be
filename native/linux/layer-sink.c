// A layer blob on its way into the store, chunk by chunk, in one call per chunk on the caller's
// thread: sha256 of the bytes as they come (the blob digest), written to the blob file, inflated
// when they are gzip, and sha256 of the tar that comes out (the diff id). Done in JavaScript the
// same work went through zlib streams on libuv's pool and back, and a pull spent more time in
// that round trip and its garbage than in hashing or inflating; here a pull's worker threads
// each run it for their layer. The tar comes out in one buffer the caller gave, handed to its
// callback each time it fills and overwritten after: no tar buffer is allocated per chunk (fresh
// 256 KiB buffers cost more CPU in page faults and collection than the inflating did). zlib and
// OpenSSL are the ones inside node (their symbols are exported to addons), so nothing is linked in.
#include "berth.h"
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#define HEAD_BYTES 6
#define WRITEBACK_EVERY (4 << 20)

enum format { UNDECIDED, PLAIN, GZIP, OTHER };

typedef struct {
  EVP_MD_CTX *blob;
  EVP_MD_CTX *tar;
  z_stream z;
  bool z_ready;
  bool z_ended;  // the last gzip member's trailer was read
  int fd;        // blob file, or -1
  enum format format;
  unsigned char head[HEAD_BYTES];  // first bytes, kept until the format is known
  size_t head_len;
  napi_ref out_ref;    // the caller's tar buffer, kept alive as long as the sink
  unsigned char *out;  // its bytes: out_len of out_cap filled
  size_t out_cap;
  size_t out_len;
  int64_t size;  // blob bytes seen
  int64_t flushed;  // blob bytes whose write-back has been started
  bool closed;
} sink_t;

static void sink_free(napi_env env, sink_t *s) {
  if (s->closed) return;
  s->closed = true;
  EVP_MD_CTX_free(s->blob);
  EVP_MD_CTX_free(s->tar);
  if (s->z_ready) inflateEnd(&s->z);
  if (s->out_ref != NULL) napi_delete_reference(env, s->out_ref);
  s->out_ref = NULL;
  s->out = NULL;
}

static void finalize_sink(napi_env env, void *data, void *hint) {
  (void)hint;
  sink_free(env, (sink_t *)data);
  free(data);
}

static napi_value throw_msg(napi_env env, const char *code, const char *msg) {
  napi_throw_error(env, code, msg);
  return NULL;
}

static sink_t *sink_arg(napi_env env, napi_value v) {
  sink_t *s = NULL;
  if (napi_get_value_external(env, v, (void **)&s) != napi_ok || s == NULL) {
    napi_throw_type_error(env, NULL, "expected a layer sink");
    return NULL;
  }
  if (s->closed) {
    napi_throw_error(env, "ECLOSED", "layer sink already closed");
    return NULL;
  }
  return s;
}

// layerSinkOpen(blobFd, out): fd -1 hashes without writing (a blob already stored, read again);
// the tar comes out in the Buffer out
napi_value berth_sink_open(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  int32_t fd;
  if (!berth_int_arg(env, argv, argc, 0, &fd)) return NULL;
  unsigned char *out = NULL;
  size_t out_cap = 0;
  bool is_buffer = false;
  if (argc >= 2) napi_is_buffer(env, argv[1], &is_buffer);
  if (!is_buffer || napi_get_buffer_info(env, argv[1], (void **)&out, &out_cap) != napi_ok || out_cap == 0) {
    napi_throw_type_error(env, NULL, "layerSinkOpen(blobFd, out): out must be a non-empty Buffer");
    return NULL;
  }
  sink_t *s = calloc(1, sizeof *s);
  if (s == NULL) return berth_throw_errno(env, "layer sink", NULL, ENOMEM);
  s->fd = fd;
  s->out = out;
  s->out_cap = out_cap;
  s->blob = EVP_MD_CTX_new();
  s->tar = EVP_MD_CTX_new();
  if (s->blob == NULL || s->tar == NULL || !EVP_DigestInit_ex(s->blob, EVP_sha256(), NULL) || !EVP_DigestInit_ex(s->tar, EVP_sha256(), NULL) ||
      napi_create_reference(env, argv[1], 1, &s->out_ref) != napi_ok) {
    finalize_sink(env, s, NULL);
    return throw_msg(env, "ECRYPTO", "layer sink: cannot start");
  }
  napi_value ext;
  if (napi_create_external(env, s, finalize_sink, NULL, &ext) != napi_ok) {
    finalize_sink(env, s, NULL);
    return throw_msg(env, "ENOMEM", "layer sink: cannot allocate");
  }
  return ext;
}

static bool write_all(int fd, const unsigned char *p, size_t n, int *err) {
  while (n > 0) {
    ssize_t w = write(fd, p, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      *err = errno;
      return false;
    }
    p += w;
    n -= (size_t)w;
  }
  return true;
}

// the tar bytes in out go to the caller's callback, which must be done with them when it returns
static bool flush_out(napi_env env, sink_t *s, napi_value on_tar) {
  if (s->out_len == 0) return true;
  napi_value n, global;
  napi_create_uint32(env, (uint32_t)s->out_len, &n);
  napi_get_global(env, &global);
  s->out_len = 0;
  return napi_call_function(env, global, on_tar, 1, &n, NULL) == napi_ok;
}

// inflate p[0..n) into out, handing it over each time it fills; multi-member gzip goes on with
// the next member. NULL: an exception is pending
static napi_value inflate_into(napi_env env, sink_t *s, const unsigned char *p, size_t n, napi_value on_tar) {
  s->z.next_in = (unsigned char *)p;
  s->z.avail_in = (uInt)n;
  while (s->z.avail_in > 0) {
    if (s->z_ended) {
      // another member follows only when it starts like one (its header may be split between
      // chunks: inflate reads headers byte by byte); anything else is trailing padding, ignored
      // as node's gunzip does
      if (s->z.next_in[0] == 0x1f) {
        inflateReset(&s->z);
        inflateValidate(&s->z, 0);
        s->z_ended = false;
      } else {
        s->z.avail_in = 0;
        break;
      }
    }
    s->z.next_out = s->out + s->out_len;
    s->z.avail_out = (uInt)(s->out_cap - s->out_len);
    int r = inflate(&s->z, Z_NO_FLUSH);
    size_t produced = (size_t)(s->out_cap - s->out_len) - s->z.avail_out;
    if (produced > 0) EVP_DigestUpdate(s->tar, s->out + s->out_len, produced);
    s->out_len += produced;
    if (r == Z_STREAM_END) s->z_ended = true;
    else if (r == Z_BUF_ERROR && produced == 0 && s->z.avail_out > 0) break;  // needs more input
    else if (r != Z_OK && r != Z_BUF_ERROR) {
      char msg[256];
      snprintf(msg, sizeof msg, "invalid gzip data: %s", s->z.msg != NULL ? s->z.msg : zError(r));
      return throw_msg(env, "EGZIP", msg);
    }
    if (s->out_len == s->out_cap && !flush_out(env, s, on_tar)) return NULL;
  }
  return flush_out(env, s, on_tar) ? on_tar : NULL;
}

static enum format sniff(const unsigned char *h, size_t n) {
  if (n >= 2 && h[0] == 0x1f && h[1] == 0x8b) return GZIP;
  static const unsigned char zstd[] = {0x28, 0xb5, 0x2f, 0xfd}, xz[] = {0xfd, '7', 'z', 'X', 'Z', 0x00};
  if (n >= 4 && memcmp(h, zstd, 4) == 0) return OTHER;
  if (n >= 3 && memcmp(h, "BZh", 3) == 0) return OTHER;
  if (n >= 6 && memcmp(h, xz, 6) == 0) return OTHER;
  return PLAIN;
}

// the tar bytes of p[0..n) to the caller: inflated, or (plain tar) hashed and copied as they are.
// NULL: an exception is pending
static napi_value feed(napi_env env, sink_t *s, const unsigned char *p, size_t n, napi_value on_tar) {
  if (s->format == GZIP) return n == 0 ? on_tar : inflate_into(env, s, p, n, on_tar);
  EVP_DigestUpdate(s->tar, p, n);
  while (n > 0) {
    size_t take = n < s->out_cap - s->out_len ? n : s->out_cap - s->out_len;
    memcpy(s->out + s->out_len, p, take);
    s->out_len += take;
    p += take;
    n -= take;
    if (!flush_out(env, s, on_tar)) return NULL;
  }
  return on_tar;
}

static bool function_arg(napi_env env, napi_value *argv, size_t argc, size_t i) {
  napi_valuetype t = napi_undefined;
  if (i < argc) napi_typeof(env, argv[i], &t);
  if (t != napi_function) napi_throw_type_error(env, NULL, "expected a function for the tar bytes");
  return t == napi_function;
}

// layerSinkWrite(sink, chunk, onTar): onTar(n) for each out-full of tar bytes the chunk completed
napi_value berth_sink_write(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 3) return throw_msg(env, NULL, "layerSinkWrite(sink, chunk, onTar)");
  sink_t *s = sink_arg(env, argv[0]);
  if (s == NULL) return NULL;
  unsigned char *p;
  size_t n;
  bool is_buffer = false;
  napi_is_buffer(env, argv[1], &is_buffer);
  if (!is_buffer || napi_get_buffer_info(env, argv[1], (void **)&p, &n) != napi_ok) {
    napi_throw_type_error(env, NULL, "expected a Buffer");
    return NULL;
  }
  if (!function_arg(env, argv, argc, 2)) return NULL;
  EVP_DigestUpdate(s->blob, p, n);
  s->size += (int64_t)n;
  int err = 0;
  if (s->fd >= 0 && !write_all(s->fd, p, n, &err)) return berth_throw_errno(env, "writing blob", NULL, err);
  if (s->fd >= 0 && s->size - s->flushed >= WRITEBACK_EVERY) {
    // the blob is fsynced before it is named (content-store.ts): its write-back starts now, while
    // the layer streams, so that fsync has little left to wait for (ext4 made a layer's commit
    // wait up to 80 ms behind the other lanes' writes)
    sync_file_range(s->fd, s->flushed, s->size - s->flushed, SYNC_FILE_RANGE_WRITE);
    s->flushed = s->size;
  }

  if (s->format == UNDECIDED) {
    // the first bytes decide, as decompress.ts's magic-byte check does
    size_t take = n < HEAD_BYTES - s->head_len ? n : HEAD_BYTES - s->head_len;
    memcpy(s->head + s->head_len, p, take);
    s->head_len += take;
    p += take;
    n -= take;
    if (s->head_len < HEAD_BYTES) return NULL;
    s->format = sniff(s->head, s->head_len);
    if (s->format == OTHER) return throw_msg(env, "ECOMPRESSION", "layer compression is not gzip");
    if (s->format == GZIP) {
      if (inflateInit2(&s->z, 16 + MAX_WBITS) != Z_OK) return throw_msg(env, "ENOMEM", "layer sink: inflateInit failed");
      s->z_ready = true;
      // no CRC-32: the sha256 of the blob (before) and of the tar (after) check far more than
      // gzip's trailer would, and the CRC was a tenth of the sink's time
      inflateValidate(&s->z, 0);
    }
    if (feed(env, s, s->head, s->head_len, argv[2]) == NULL) return NULL;
  }
  feed(env, s, p, n, argv[2]);
  return NULL;
}

// layerSinkEnd(sink, onTar): { digest, diffId, size }, after onTar has had the last tar bytes;
// throws when a gzip stream stopped short of its end
napi_value berth_sink_end(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  if (argc < 2) return throw_msg(env, NULL, "layerSinkEnd(sink, onTar)");
  sink_t *s = sink_arg(env, argv[0]);
  if (s == NULL) return NULL;
  if (!function_arg(env, argv, argc, 1)) return NULL;
  napi_value result;
  if (s->format == UNDECIDED) {
    // shorter than the magic bytes: a tiny plain blob
    s->format = sniff(s->head, s->head_len) == GZIP ? GZIP : PLAIN;
    if (s->format == GZIP) return throw_msg(env, "EGZIP", "invalid gzip data: unexpected end of file");
    if (feed(env, s, s->head, s->head_len, argv[1]) == NULL) return NULL;
  }
  if (s->format == GZIP && !s->z_ended) return throw_msg(env, "EGZIP", "invalid gzip data: unexpected end of file");
  if (!flush_out(env, s, argv[1])) return NULL;
  unsigned char md[2][EVP_MAX_MD_SIZE];
  unsigned int len[2];
  EVP_DigestFinal_ex(s->blob, md[0], &len[0]);
  EVP_DigestFinal_ex(s->tar, md[1], &len[1]);
  char hex[2][7 + 2 * EVP_MAX_MD_SIZE + 1];
  for (int k = 0; k < 2; k++) {
    strcpy(hex[k], "sha256:");
    for (unsigned int i = 0; i < len[k]; i++) snprintf(hex[k] + 7 + 2 * i, 3, "%02x", md[k][i]);
  }
  sink_free(env, s);
  napi_value digest, diff, size;
  napi_create_object(env, &result);
  napi_create_string_utf8(env, hex[0], NAPI_AUTO_LENGTH, &digest);
  napi_create_string_utf8(env, hex[1], NAPI_AUTO_LENGTH, &diff);
  napi_create_int64(env, s->size, &size);
  napi_set_named_property(env, result, "digest", digest);
  napi_set_named_property(env, result, "diffId", diff);
  napi_set_named_property(env, result, "size", size);
  return result;
}

// layerSinkClose(sink): frees it early (an abandoned transfer); the garbage collector would too
napi_value berth_sink_close(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  sink_t *s = NULL;
  if (argc >= 1 && napi_get_value_external(env, argv[0], (void **)&s) == napi_ok && s != NULL) sink_free(env, s);
  return NULL;
}
