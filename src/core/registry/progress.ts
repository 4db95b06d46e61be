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

/** docker's words for a blob's state (jsonmessage status). */
export function layerText(status: LayerStatus, pushing: boolean, from?: string): string {
  switch (status) {
    case 'waiting':
      return 'Pulling fs layer';
    case 'downloading':
      return 'Downloading';
    case 'verifying':
      return 'Verifying Checksum';
    case 'downloaded':
      return 'Download complete';
    case 'extracting':
      return 'Extracting';
    case 'pulled':
      return 'Pull complete';
    case 'exists':
      return pushing ? 'Layer already exists' : 'Already exists';
    case 'preparing':
      return 'Preparing';
    case 'pushing':
      return 'Pushing';
    case 'pushed':
      return 'Pushed';
    case 'mounted':
      return `Mounted from ${from ?? ''}`;
  }
}

/** The line docker prints for an event that is not a layer's, or undefined. */
export function headline(e: Exclude<ProgressEvent, { type: 'layer' }>): string | undefined {
  switch (e.type) {
    case 'default-tag':
      return `Using default tag: ${e.tag}`;
    case 'trying':
      return `Trying to pull ${e.reference}...`;
    case 'pulling':
      return `${e.tag}: Pulling from ${e.repository}`;
    case 'digest':
      return `Digest: ${e.digest}`;
    case 'pulled':
      return e.upToDate ? `Status: Image is up to date for ${e.familiar}` : `Status: Downloaded newer image for ${e.familiar}`;
    case 'push-start':
      return `The push refers to repository [${e.repository}]`;
    case 'pushed':
      return `${e.tag}: digest: ${e.digest} size: ${e.size}`;
    case 'not-found-locally':
      return undefined; // printed to stderr by the caller's sink, always (docker does even with -q)
  }
}
