import { BerthError } from '../errors/index.js';
import type { RegistryClient } from './client.js';
import { readBody } from './transport.js';

const MAX_TAGS_BODY = 16 * 1024 * 1024;
const MAX_PAGES = 1000;

/**
 * A repository's tags (`GET /v2/<name>/tags/list`), following the registry's pages (its `Link`
 * header, rel="next"), in the registry's order.
 */
export async function listTags(client: RegistryClient, repo: string): Promise<string[]> {
  const tags: string[] = [];
  let next: string | undefined = `/v2/${repo}/tags/list?n=1000`;
  for (let page = 0; next !== undefined && page < MAX_PAGES; page++) {
    const res = await client.request({ method: 'GET', path: next, scopes: [`repository:${repo}:pull`], what: `tags of ${client.registry}/${repo}` });
    const body = await readBody(res.body, MAX_TAGS_BODY);
    let doc: { tags?: unknown };
    try {
      doc = JSON.parse(body.toString('utf8')) as typeof doc;
    } catch {
      throw new BerthError('Unavailable', `tags of ${client.registry}/${repo}: the registry answered with invalid json`);
    }
    if (doc.tags !== null && doc.tags !== undefined) {
      if (!Array.isArray(doc.tags) || doc.tags.some((t) => typeof t !== 'string')) {
        throw new BerthError('Unavailable', `tags of ${client.registry}/${repo}: the registry answered with a malformed tag list`);
      }
      tags.push(...(doc.tags as string[]));
    }
    next = nextPage(res.headers.link);
  }
  return tags;
}

/** The target of `Link: </v2/x/tags/list?last=b&n=2>; rel="next"`. */
export function nextPage(link: string | string[] | undefined): string | undefined {
  const value = Array.isArray(link) ? link.join(', ') : link;
  if (!value) return undefined;
  const m = /<([^>]+)>\s*;\s*rel="?next"?/i.exec(value);
  return m?.[1];
}
