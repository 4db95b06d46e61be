/** Errors carry the errno name in `code` (EBUSY, EINVAL, ...) and its number in `errno`. */
/** Connect an AF_UNIX SOCK_SEQPACKET socket (blocking, close-on-exec); returns its fd. */
export function connect(path: string): number;
/** shutdown(2): 1 = no more writes (half-close), 2 = both directions. */
export function shutdown(fd: number, how: number): void;
/** mount(2); `cwd` (or "") is the directory relative paths in source and data resolve against. */
export function mount(source: string, target: string, fstype: string, flags: number, data: string, cwd: string): void;
/** umount2(2) with its flags (2 = MNT_DETACH). */
export function umount(target: string, flags: number): void;
/** Whether path is the root of a mount (statx's STATX_ATTR_MOUNT_ROOT); null when the kernel does not say. Symlinks not followed; ENOENT throws. */
export function mountRoot(path: string): boolean | null;
/** A new network namespace bind-mounted on path, loopback up; false when path already is one. */
export function netnsCreate(path: string): boolean;
/** Unmount and remove a namespace made by netnsCreate or podNsCreate; absent is fine. */
export function netnsDelete(path: string): void;
/** A new ipc or uts namespace (the uts one named hostname) bind-mounted on path; false when path already is one. */
export function podNsCreate(path: string, kind: 'ipc' | 'uts', hostname: string): boolean;
/**
 * posix_spawn (no fork): file is a path; env null inherits this process's; the child's fd i is
 * fds[i] (-1: /dev/null); all signals default and unblocked; setsid puts it in a new session;
 * cwd "" keeps ours.
 */
export function spawn(file: string, argv: string[], env: string[] | null, fds: number[], setsid: boolean, cwd: string): number;
/** pipe2(O_CLOEXEC): [read end, write end]. */
export function pipe(): [number, number];
/** waitpid(pid, 0) on the libuv pool: how the child ended. */
export function waitpid(pid: number): Promise<{ code: number | null; signal: number | null }>;
/** waitpid(pid, WNOHANG): how the child ended, or null while it runs. */
export function tryWait(pid: number): { code: number | null; signal: number | null } | null;
/** A layer blob being received: see layerSinkOpen. */
export interface LayerSink { readonly __layerSink: unique symbol }
/**
 * Start a layer blob: each chunk given to layerSinkWrite is hashed (the blob digest), written to
 * blobFd (-1: not written), and, when the first bytes are gzip's, inflated; the tar bytes are
 * hashed too (the diff id) and come out in `out`, handed to the write's onTar callback each time
 * it fills (and at the end of each chunk): onTar(n) must be done with out[0..n) when it returns.
 * Other compressions throw code ECOMPRESSION at the first chunk.
 */
export function layerSinkOpen(blobFd: number, out: Buffer): LayerSink;
/** Take a chunk of the blob; invalid gzip throws EGZIP; what onTar throws goes through. */
export function layerSinkWrite(sink: LayerSink, chunk: Buffer, onTar: (n: number) => void): void;
/** The last tar bytes to onTar, then the digests and blob size; a gzip stream cut short throws EGZIP. */
export function layerSinkEnd(sink: LayerSink, onTar: (n: number) => void): { digest: string; diffId: string; size: number };
/** Free an abandoned sink now rather than at garbage collection. */
export function layerSinkClose(sink: LayerSink): void;
/** mknod(2): mode is the type (S_IFCHR, S_IFBLK or S_IFIFO) and permissions, set as given. */
export function mknod(path: string, mode: number, major: number, minor: number): void;
/** lsetxattr(2): on the path itself, never a symlink's target. */
export function setXattr(path: string, name: string, value: string | Buffer): void;
/**
 * Mark a directory as the top of a directory hierarchy (FS_TOPDIR_FL, `chattr +T`): ext4 then
 * spreads the directories made in it over its block groups. false where the filesystem has no
 * such flag; throws (code ENOENT, ENOTDIR…) when the directory cannot be opened.
 */
export function topDir(path: string): boolean;
/**
 * flock(2) without waiting: open (creating, mode 0600) path and lock it, shared or exclusive.
 * Returns the descriptor that holds the lock (close-on-exec; closing it releases the lock, as
 * the holder's death does), or -1 while another open file holds a conflicting lock.
 */
export function lockTry(path: string, exclusive: boolean): number;
/** Whether every entry of dir (. and .. aside) has its type in readdir(3)'s d_type (not DT_UNKNOWN). */
export function direntTypes(dir: string): boolean;
