import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { makePaths, type Paths } from '../config/paths.js';
import { ContentStore } from '../content/content-store.js';
import { openDatabase, type Db } from '../metadata/database.js';
import { LayerStore } from '../snapshots/layer-store.js';
import { makeBusyboxTar } from '../../testkit/busybox-rootfs.js';
import { ImageStore } from './image-store.js';

/** Unpacking keeps owners and device nodes, which needs root (as in CI); elsewhere tests skip. */
export const needsRoot: string | false = process.getuid?.() === 0 ? false : 'needs root';

/** A complete, empty storage root under /tmp with every store the image service needs. */
export interface TestStore {
  root: string;
  paths: Paths;
  db: Db;
  content: ContentStore;
  layers: LayerStore;
  images: ImageStore;
  close(): void;
}

export function makeTestStore(dir: string): TestStore {
  const paths = makePaths(path.join(dir, 'lib'), path.join(dir, 'run'));
  const db = openDatabase(paths.database);
  const content = new ContentStore(paths.blobs, paths.tmp);
  const layers = new LayerStore(paths, db);
  const images = new ImageStore(db, content, layers);
  return { root: dir, paths, db, content, layers, images, close: () => db.close() };
}

/** A temp dir for one test file, removed by the returned function. */
export function tempDir(prefix: string): { dir: string; remove: () => void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

/** A busybox rootfs tar at dir/busybox.tar, made once per dir. */
export function busyboxTar(dir: string): string {
  const p = path.join(dir, 'busybox.tar');
  if (!fs.existsSync(p)) makeBusyboxTar(p);
  return p;
}
