import { BerthError } from '../errors/index.js';
import { readRootfsFile } from './rootfs-file.js';

export interface ResolvedUser {
  uid: number;
  gid: number;
  additionalGids: number[];
  /** from passwd; "/" when the user has no entry */
  home: string;
}

interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
  home: string;
}
interface GroupEntry {
  name: string;
  gid: number;
  members: string[];
}

const MAX_ID = 2 ** 31 - 1;

function lines(text: string | undefined): string[][] {
  return (text ?? '')
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('#'))
    .map((l) => l.split(':'));
}

function id(text: string | undefined): number | undefined {
  return text !== undefined && /^\d+$/.test(text) ? Number(text) : undefined;
}

function parsePasswd(text: string | undefined): PasswdEntry[] {
  return lines(text).flatMap(([name = '', , uid, gid, , home = '']) => {
    const u = id(uid);
    const g = id(gid);
    return u === undefined || g === undefined ? [] : [{ name, uid: u, gid: g, home }];
  });
}

function parseGroup(text: string | undefined): GroupEntry[] {
  return lines(text).flatMap(([name = '', , gid, members = '']) => {
    const g = id(gid);
    return g === undefined
      ? []
      : [
          {
            name,
            gid: g,
            members: members
              .split(',')
              .map((m) => m.trim())
              .filter(Boolean),
          },
        ];
  });
}

function numeric(text: string): number | undefined {
  if (!/^-?\d+$/.test(text)) return undefined;
  const n = Number(text);
  if (n < 0 || n > MAX_ID) throw new BerthError('InvalidArgument', `uids and gids must be in range 0-${MAX_ID}`);
  return n;
}

function findGroup(groups: GroupEntry[], g: string): number {
  const n = numeric(g);
  const hit = groups.find((e) => e.name === g || (n !== undefined && e.gid === n));
  if (hit) return hit.gid;
  if (n !== undefined) return n;
  throw new BerthError('InvalidArgument', `unable to find group ${g}: no matching entries in group file`);
}

/**
 * `--user name|uid[:group|gid]` (or the image's USER) against the image's /etc/passwd and
 * /etc/group, as runc's GetExecUser does: numeric ids need no entry; a named user or group must
 * exist; without an explicit group, the primary gid comes from passwd and the supplementary ones
 * from the groups listing the user; `groupAdd` (--group-add) adds more. Files are read within
 * the rootfs only (see readRootfsFile).
 *
 * @example resolveUser('www-data', '/var/lib/berth/…/rootfs') // { uid: 33, gid: 33, additionalGids: [], home: '/var/www' }
 */
export function resolveUser(userSpec: string | undefined, rootfs: string, groupAdd: readonly string[] = []): ResolvedUser {
  const spec = userSpec ?? '';
  const colon = spec.indexOf(':');
  const userPart = colon < 0 ? spec : spec.slice(0, colon);
  const groupPart = colon < 0 ? undefined : spec.slice(colon + 1);
  const passwd = parsePasswd(readRootfsFile(rootfs, '/etc/passwd'));
  let groups: GroupEntry[] | undefined;
  const groupFile = (): GroupEntry[] => (groups ??= parseGroup(readRootfsFile(rootfs, '/etc/group')));

  const user = userPart === '' ? '0' : userPart;
  const uidArg = numeric(user);
  const entry = passwd.find((e) => e.name === user || (uidArg !== undefined && e.uid === uidArg));
  if (!entry && uidArg === undefined) {
    throw new BerthError('InvalidArgument', `unable to find user ${user}: no matching entries in passwd file`);
  }
  const uid = entry?.uid ?? (uidArg as number);
  let gid = entry?.gid ?? 0;
  let sgids: number[] = [];
  if (groupPart !== undefined && groupPart !== '') {
    gid = findGroup(groupFile(), groupPart);
  } else if (entry) {
    sgids = groupFile()
      .filter((g) => g.members.includes(entry.name))
      .map((g) => g.gid);
  }
  const added = groupAdd.map((g) => findGroup(groupFile(), g));
  return { uid, gid, additionalGids: [...new Set([...sgids, ...added])], home: entry?.home || '/' };
}
