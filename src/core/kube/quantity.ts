import { BerthError } from '../errors/berth-error.js';

const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };

/** A Kubernetes resource quantity ("128Mi", "1G", "500m", "0.5", "1e3") as a number. */
export function parseQuantity(value: string | number, path: string): number {
  if (typeof value === 'number') return value;
  const m = /^([+-]?(?:\d+(?:\.\d*)?|\.\d+))(?:(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)|[eE]([+-]?\d+))?$/.exec(value.trim());
  if (!m) throw new BerthError('InvalidArgument', `${path}: invalid quantity "${value}" (as "128Mi", "1Gi", "500m" or "0.5")`);
  const n = Number(m[1]);
  if (m[3] !== undefined) return n * 10 ** Number(m[3]);
  const suffix = m[2] ?? '';
  return n * (BINARY[suffix] ?? DECIMAL[suffix] ?? 1);
}

/** Bytes as a Kubernetes quantity, in the largest binary unit that divides them. */
export function formatBytesQuantity(bytes: number): string {
  for (const [unit, size] of Object.entries(BINARY).reverse()) {
    if (bytes >= size && bytes % size === 0) return `${bytes / size}${unit}`;
  }
  return String(bytes);
}

/** Nano CPUs as a Kubernetes CPU quantity ("500m", "2"). */
export function formatCpuQuantity(nanoCpus: number): string {
  const milli = Math.round(nanoCpus / 1e6);
  return milli % 1000 === 0 ? String(milli / 1000) : `${milli}m`;
}
