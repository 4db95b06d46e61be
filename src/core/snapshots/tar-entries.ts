import { TarReader, type TarHeader } from './tar-reader.js';

/** One entry of a tar read as a stream: its header and its body (read it, or leave it: the next entry skips what is left). */
export interface TarEntry {
  header: TarHeader;
  body: AsyncIterable<Buffer>;
}

type Event = { kind: 'header'; header: TarHeader } | { kind: 'piece'; piece: Buffer } | { kind: 'end' };

/**
 * The entries of a tar stream, read by berth's one tar reader (TarReader: the formats and rules
 * of Go's archive/tar, as for the layers a pull unpacks), for readers that take each entry at
 * their own pace (load's blobs go to the content store, ADD's entries into a layer). Only one
 * chunk of src is parsed ahead of the consumer. A truncated or malformed tar throws.
 * The pieces of a body are views of src's chunks: src must not reuse its buffers.
 */
export async function* readTarEntries(src: AsyncIterable<Buffer> | Iterable<Buffer>): AsyncGenerator<TarEntry> {
  const queue: Event[] = [];
  let head = 0;
  const reader = new TarReader({
    entry: (header) => {
      queue.push({ kind: 'header', header });
      return (piece) => queue.push({ kind: 'piece', piece });
    },
    entryEnd: () => queue.push({ kind: 'end' }),
  });
  const it: AsyncIterator<Buffer> | Iterator<Buffer> = Symbol.asyncIterator in src ? src[Symbol.asyncIterator]() : src[Symbol.iterator]();
  let done = false;
  const next = async (): Promise<Event | undefined> => {
    while (head === queue.length) {
      queue.length = head = 0;
      if (done) return undefined;
      const r = await it.next();
      if (r.done) {
        done = true;
        reader.finish();
        return undefined;
      }
      reader.write(typeof r.value === 'string' ? Buffer.from(r.value) : r.value);
    }
    return queue[head++];
  };
  try {
    for (let ev = await next(); ev !== undefined; ev = await next()) {
      if (ev.kind !== 'header') continue;
      let ended = false;
      const body = async function* (): AsyncGenerator<Buffer> {
        while (!ended) {
          const e = await next();
          if (e === undefined || e.kind === 'end') ended = true;
          else if (e.kind === 'piece') yield e.piece;
        }
      };
      yield { header: ev.header, body: body() };
      // what the consumer did not read of the body is skipped
      while (!ended) {
        const e = await next();
        if (e === undefined || e.kind === 'end') ended = true;
      }
    }
  } finally {
    if (!done) await it.return?.();
  }
}
