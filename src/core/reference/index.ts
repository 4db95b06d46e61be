/** docker/distribution image references. */
export * from './reference.js';
