/** The image service: references, the image store, import, load and save. */
export * from './image-record.js';
export { ImageStore, type CommitInput, type CommitResult } from './image-store.js';
export { noSuchImage, shortId } from './image-errors.js';
export type { PruneOptions, PruneResult, RemoveOptions } from './image-remove.js';
export { importRootfs, type ImportOptions } from './import.js';
export { loadArchive, loadOciLayoutDir, type LoadOptions, type LoadResult } from './archive-load.js';
export { saveImages, saveOciDir, type SaveFormat } from './archive-save.js';
export { applyChanges } from './changes.js';
export { formatPlatform, hostPlatform, parsePlatform, platformMatches } from './platform.js';
