/** Connect an AF_UNIX SOCK_SEQPACKET socket (blocking, close-on-exec); returns its fd. */
export function connect(path: string): number;
/** shutdown(2): 1 = no more writes (half-close), 2 = both directions. */
export function shutdown(fd: number, how: number): void;
