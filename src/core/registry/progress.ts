/**
 * What pull and push report while they work. The core only emits these; the CLI renders them
 * (src/cli/render/progress.ts), the API server (later) can stream them as docker's JSON messages.
 */
export type LayerStatus =
  | 'waiting'
  | 'downloading'
  | 'verifying'
  | 'downloaded'
  | 'extracting'
  | 'pulled'
  | 'exists'
  | 'preparing'
  | 'pushing'
  | 'pushed'
  | 'mounted';

export type ProgressEvent =
  /** run/create: the image is not stored, a pull follows */
  | { type: 'not-found-locally'; name: string }
  /** a reference without tag gets `latest` */
  | { type: 'default-tag'; tag: string }
  /** a short name: this search registry is tried next */
  | { type: 'trying'; reference: string }
  /** the manifest was found: `<tag>: Pulling from <repo>` */
  | { type: 'pulling'; tag: string; repository: string }
  /** one blob's state; current/total are bytes */
  | { type: 'layer'; digest: string; status: LayerStatus; current?: number; total?: number; from?: string }
  | { type: 'digest'; digest: string }
  /** pull finished: the fully qualified reference, and whether nothing new came */
  | { type: 'pulled'; reference: string; familiar: string; upToDate: boolean }
  | { type: 'push-start'; repository: string }
  | { type: 'pushed'; tag: string; digest: string; size: number };

export type ProgressSink = (e: ProgressEvent) => void;

/** Byte progress is reported at most this often per blob, plus once at the end. */
export const PROGRESS_INTERVAL_MS = 100;
