import { parseSince } from '../format/time-arg.js';
import { BerthError } from '../errors/berth-error.js';
import type { EngineContext } from '../engine-context.js';
import { humanSizeWithPrecision, createdAgo, formatCreatedAt } from '../format/index.js';
import { familiarName, parseReference } from '../reference/reference.js';
import type { ImageSummary } from './image-record.js';

/** The fields docker's images formatter offers, one row per (image, tag). */
export interface ImageRow {
  Repository: string;
  Tag: string;
  Digest: string;
  ID: string;
  CreatedSince: string;
  CreatedAt: string;
  Size: string;
  Containers: string;
  /** docker's placeholders of the same name: the size again, and N/A (ls computes no sharing) */
  VirtualSize: string;
  SharedSize: string;
  UniqueSize: string;
}

function globToRegExp(glob: string): RegExp {
  return new RegExp(
    `^${glob
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '[^/]*')
      .replace(/\?/g, '.')}$`,
  );
}

/** `docker images [REPOSITORY[:TAG]] [--filter …]` rows, newest image first. */
export function imageRows(ctx: EngineContext, opts: { repository?: string | undefined; filters: string[]; noTrunc: boolean }): ImageRow[] {
  let images: ImageSummary[] = ctx.images.list().sort((a, b) => (b.created > a.created ? 1 : b.created < a.created ? -1 : 0));
  const refTime = (ref: string) => ctx.images.resolve(ref).created;
  const refPatterns: RegExp[] = [];
  for (const f of opts.filters) {
    const i = f.indexOf('=');
    if (i <= 0) throw new BerthError('InvalidArgument', 'bad format of filter (expected name=value)');
    const k = f.slice(0, i);
    const v = f.slice(i + 1);
    switch (k) {
      case 'dangling':
        if (!['true', 'false', '1', '0'].includes(v.toLowerCase())) throw new BerthError('InvalidArgument', `invalid filter 'dangling=${v}'`);
        images = images.filter((img) => (img.tags.length === 0) === (v.toLowerCase() === 'true' || v === '1'));
        break;
      case 'label': {
        const j = v.indexOf('=');
        images = images.filter((img) => {
          const labels = img.config.config?.Labels ?? {};
          return j < 0 ? v in labels : labels[v.slice(0, j)] === v.slice(j + 1);
        });
        break;
      }
      case 'before': {
        const t = refTime(v);
        images = images.filter((img) => img.created < t);
        break;
      }
      case 'since': {
        const t = refTime(v);
        images = images.filter((img) => img.created > t);
        break;
      }
      case 'reference':
        refPatterns.push(globToRegExp(v));
        break;
      case 'until': {
        // docker: images created before a timestamp or a duration ago
        const t = parseSince(v).getTime();
        images = images.filter((img) => img.created !== '' && Date.parse(img.created) < t);
        break;
      }
      default:
        throw new BerthError('InvalidArgument', `invalid filter '${k}'`);
    }
  }
  // docker passes `images PATTERN` on as a reference filter: a glob (busy*, */bb:v?) matches as one
  const positional = opts.repository;
  const glob = positional !== undefined && /[*?[]/.test(positional);
  if (glob) refPatterns.push(globToRegExp(positional));
  const now = new Date();
  const rows: ImageRow[] = [];
  for (const img of images) {
    const id = opts.noTrunc ? img.id : img.id.replace('sha256:', '').slice(0, 12);
    const base = {
      ID: id,
      CreatedSince: img.created ? createdAgo(new Date(img.created), now) : 'N/A',
      CreatedAt: img.created ? formatCreatedAt(new Date(img.created)) : '',
      Size: humanSizeWithPrecision(img.size, 3),
      VirtualSize: humanSizeWithPrecision(img.size, 3),
      SharedSize: 'N/A',
      UniqueSize: 'N/A',
      Containers: String(ctx.containers.usersOf(img.id).length),
    };
    const digest = img.digests[0]?.split('@')[1] ?? '<none>';
    const tagged = img.tags.map((t) => {
      const r = parseReference(t);
      return { repo: familiarName(r), tag: r.tag ?? '<none>' };
    });
    if (tagged.length === 0) tagged.push({ repo: '<none>', tag: '<none>' });
    for (const t of tagged) {
      if (positional !== undefined && !glob) {
        const [repo, tag] = splitRepoTag(positional);
        if (t.repo !== repo && t.repo !== familiarName(repo)) continue;
        if (tag !== undefined && t.tag !== tag) continue;
      }
      if (refPatterns.length && !refPatterns.some((p) => p.test(t.repo) || p.test(`${t.repo}:${t.tag}`))) continue;
      rows.push({ Repository: t.repo, Tag: t.tag, Digest: digest, ...base });
    }
  }
  return rows;
}

function splitRepoTag(s: string): [string, string | undefined] {
  const slash = s.lastIndexOf('/');
  const colon = s.lastIndexOf(':');
  if (colon > slash) return [s.slice(0, colon), s.slice(colon + 1)];
  return [s, undefined];
}
