export * from './berth-error.js';
export * from './exit-codes.js';
