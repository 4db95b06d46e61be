import fs from 'node:fs';
import path from 'node:path';

export type EventType = 'container' | 'image' | 'volume' | 'network' | 'pod';

/** One thing that happened, as docker's events API reports it (Type, Action, Actor). */
export interface BerthEvent {
  type: EventType;
  action: string;
  /** the object's id (a container or image id, a volume or network name as docker uses them) */
  id: string;
  attributes: Record<string, string>;
  /** nanoseconds since the epoch, as a decimal string (beyond a double's precision) */
  timeNano: string;
}

/** The log rotates past this size: the previous half stays readable as events.log.1. */
const MAX_BYTES = 4 * 1024 * 1024;

/**
 * The engine's event log: one JSON line per event in the run root (so, as docker's in-memory
 * list, it starts empty at boot), appended by whichever berth process did the thing: there is
 * no daemon to hold them. `berth events` reads it and follows it. A write never fails the
 * operation that reports it.
 */
export class EventLog {
  readonly file: string;

  constructor(runRoot: string) {
    this.file = path.join(runRoot, 'events.log');
  }

  emit(e: Omit<BerthEvent, 'timeNano'>): void {
    const line = `${JSON.stringify({ ...e, timeNano: nowNano() })}\n`;
    try {
      // one write with O_APPEND: concurrent writers' lines do not interleave
      fs.appendFileSync(this.file, line, { mode: 0o600 });
      if (fs.statSync(this.file).size > MAX_BYTES) fs.renameSync(this.file, `${this.file}.1`);
    } catch {
      /* events are best effort: the operation itself succeeded */
    }
  }

  /** Every stored event, oldest first. */
  read(): BerthEvent[] {
    return [`${this.file}.1`, this.file].flatMap((f) => parseLines(readOrEmpty(f)));
  }
}

function readOrEmpty(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

export function parseLines(text: string): BerthEvent[] {
  const out: BerthEvent[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      const e = JSON.parse(line) as BerthEvent;
      if (typeof e.type === 'string' && typeof e.action === 'string' && typeof e.timeNano === 'string') out.push(e);
    } catch {
      /* a line cut by a crash */
    }
  }
  return out;
}

let lastNano = 0n;

/** Wall-clock nanoseconds, strictly increasing within a process (events keep their order). */
export function nowNano(): string {
  const ns = BigInt(Date.now()) * 1_000_000n + (process.hrtime.bigint() % 1_000_000n);
  lastNano = ns > lastNano ? ns : lastNano + 1n;
  return lastNano.toString();
}

/**
 * A reader of the events appended to the log after a point (its size when made, or the start):
 * each read() gives the whole lines written since the last one, across a rotation.
 */
export class EventCursor {
  private offset: number;

  constructor(
    readonly file: string,
    fromStart = false,
  ) {
    this.offset = fromStart ? 0 : sizeOf(file);
  }

  read(): BerthEvent[] {
    let text = '';
    try {
      const size = fs.statSync(this.file).size;
      if (size < this.offset) {
        // rotated: the rest of the old file, then the new one from its start
        text += readFrom(`${this.file}.1`, this.offset).text;
        this.offset = 0;
      }
      if (size > this.offset) {
        const r = readFrom(this.file, this.offset);
        text += r.text;
        this.offset += r.used;
      }
    } catch {
      /* no events yet */
    }
    return parseLines(text);
  }
}

function sizeOf(file: string): number {
  try {
    return fs.statSync(file).size;
  } catch {
    return 0;
  }
}

/** The whole lines of a file from offset (a writer may be half-way through the last one). */
function readFrom(file: string, offset: number): { text: string; used: number } {
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch {
    return { text: '', used: 0 };
  }
  try {
    const size = fs.fstatSync(fd).size;
    if (size <= offset) return { text: '', used: 0 };
    const buf = Buffer.alloc(size - offset);
    const n = fs.readSync(fd, buf, 0, buf.length, offset);
    const upto = buf.subarray(0, n).lastIndexOf(0x0a) + 1;
    return { text: buf.subarray(0, upto).toString('utf8'), used: upto };
  } finally {
    fs.closeSync(fd);
  }
}
