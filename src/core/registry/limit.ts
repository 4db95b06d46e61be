/**
 * Run at most n tasks at once (downloads, uploads). Tasks not yet started when `stop()` is called
 * are skipped with the given error, so a failed pull does not start new downloads.
 */
export function limiter(n: number): { run<T>(task: () => Promise<T>): Promise<T>; stop(reason: Error): void } {
  let active = 0;
  let stopped: Error | undefined;
  const queue: Array<() => void> = [];
  const next = () => {
    while (active < n && queue.length > 0) queue.shift()?.();
  };
  return {
    run<T>(task: () => Promise<T>): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        queue.push(() => {
          if (stopped) {
            reject(stopped);
            return;
          }
          active++;
          task()
            .then(resolve, reject)
            .finally(() => {
              active--;
              next();
            });
        });
        next();
      });
    },
    stop(reason: Error) {
      stopped = reason;
    },
  };
}
