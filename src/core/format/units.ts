/**
 * docker's go-units (size.go, duration.go) and the daemon's container status text
 * (moby container/state.go State.String), so that `ps`, `images` and `stats` print what docker does.
 */
import { formatFloat } from './go-template/go-float.js';

const DECIMAL_UNITS = ['B', 'kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB'];
const BINARY_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB', 'ZiB', 'YiB'];

function sizeAndUnit(size: number, base: number, units: readonly string[]): [number, string] {
  let i = 0;
  while (size >= base && i < units.length - 1) {
    size /= base;
    i++;
  }
  return [size, units[i] as string];
}

/**
 * go-units HumanSizeWithPrecision: decimal units, `%.<precision>g` (docker ps SIZE uses 3).
 *
 * @example
 * humanSizeWithPrecision(2_746_000, 3) // "2.75MB"
 */
export function humanSizeWithPrecision(bytes: number, precision: number): string {
  const [size, unit] = sizeAndUnit(bytes, 1000, DECIMAL_UNITS);
  return formatFloat(size, 'g', precision) + unit;
}

/**
 * go-units HumanSize: decimal units, 4 significant digits (`%.4g`), no space.
 *
 * @example
 * humanSize(1_234_567) // "1.235MB"
 * humanSize(0)         // "0B"
 */
export function humanSize(bytes: number): string {
  return humanSizeWithPrecision(bytes, 4);
}

/**
 * go-units BytesSize: binary units, `%.4g` (docker stats memory columns).
 *
 * @example
 * bytesSize(1_572_864) // "1.5MiB"
 */
export function bytesSize(bytes: number): string {
  const [size, unit] = sizeAndUnit(bytes, 1024, BINARY_UNITS);
  return formatFloat(size, 'g', 4) + unit;
}

/**
 * go-units HumanDuration: an approximate, human description of a duration in milliseconds.
 *
 * @example
 * humanDuration(90_000)    // "About a minute"
 * humanDuration(3 * 3.6e6) // "3 hours"
 */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  if (seconds < 1) return 'Less than a second';
  if (seconds === 1) return '1 second';
  if (seconds < 60) return `${seconds} seconds`;
  const minutes = Math.trunc(ms / 60_000);
  if (minutes === 1) return 'About a minute';
  if (minutes < 60) return `${minutes} minutes`;
  const hours = Math.trunc(ms / 3_600_000 + 0.5);
  if (hours === 1) return 'About an hour';
  if (hours < 48) return `${hours} hours`;
  if (hours < 24 * 7 * 2) return `${Math.trunc(hours / 24)} days`;
  if (hours < 24 * 30 * 2) return `${Math.trunc(hours / 24 / 7)} weeks`;
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24 / 30)} months`;
  return `${Math.trunc(Math.trunc(ms / 3_600_000) / 24 / 365)} years`;
}

/**
 * docker ps CREATED column: `<HumanDuration> ago`.
 *
 * @example
 * createdAgo(new Date('2024-01-01T00:00:00Z'), new Date('2024-01-01T00:02:00Z')) // "2 minutes ago"
 */
export function createdAgo(created: Date, now: Date): string {
  return `${humanDuration(now.getTime() - created.getTime())} ago`;
}

export interface StatusTextInput {
  /** the container's state: created, running, paused, restarting, exited, dead, removing */
  status: string;
  exitCode: number;
  startedAt: Date | undefined;
  finishedAt: Date | undefined;
  now: Date;
  /** running but frozen; docker keeps Running=true while paused */
  paused?: boolean;
  /** running and being restarted by its restart policy */
  restarting?: boolean;
  /** healthcheck status when the container has one */
  health?: 'starting' | 'healthy' | 'unhealthy';
}

function since(d: Date | undefined, now: Date): string {
  return humanDuration(d === undefined ? 0 : now.getTime() - d.getTime());
}

/** A zero time (never started/finished) may arrive as undefined, an invalid Date, epoch 0 or Go's year 1. */
function isZeroTime(d: Date | undefined): boolean {
  return d === undefined || Number.isNaN(d.getTime()) || d.getTime() === 0 || d.getUTCFullYear() <= 1;
}

/**
 * docker ps STATUS column, as the daemon's State.String() builds it.
 *
 * @example
 * statusText({ status: 'exited', exitCode: 0, startedAt: t0, finishedAt: t1, now }) // "Exited (0) 3 seconds ago"
 */
export function statusText(input: StatusTextInput): string {
  const { status, now } = input;
  const paused = input.paused === true || status === 'paused';
  const restarting = input.restarting === true || status === 'restarting';
  const running = status === 'running' || paused || restarting;
  if (running) {
    if (paused) return `Up ${since(input.startedAt, now)} (Paused)`;
    if (restarting) return `Restarting (${input.exitCode}) ${since(input.finishedAt, now)} ago`;
    if (input.health !== undefined) {
      const health = input.health === 'starting' ? 'health: starting' : input.health;
      return `Up ${since(input.startedAt, now)} (${health})`;
    }
    return `Up ${since(input.startedAt, now)}`;
  }
  if (status === 'removing') return 'Removal In Progress';
  if (status === 'dead') return 'Dead';
  if (isZeroTime(input.startedAt)) return 'Created';
  if (isZeroTime(input.finishedAt)) return '';
  return `Exited (${input.exitCode}) ${since(input.finishedAt, now)} ago`;
}

/** docker's CreatedAt of ps and images rows (Go's time.String() in UTC): `2026-11-29 11:07:14 +0000 UTC`. */
export function formatCreatedAt(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000 UTC`;
}

/** Go's time.RFC3339 in the local time zone (`2024-01-01T02:00:00+02:00`, `…Z` in UTC): docker's raw dates. */
export function rfc3339Local(d: Date): string {
  const off = -d.getTimezoneOffset();
  const pad = (n: number) => String(Math.trunc(Math.abs(n))).padStart(2, '0');
  const zone = off === 0 ? 'Z' : `${off > 0 ? '+' : '-'}${pad(off / 60)}:${pad(off % 60)}`;
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}${zone}`;
}
