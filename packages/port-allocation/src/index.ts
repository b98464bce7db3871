export * from './types';
export * from './errors';
export * from './allocate';
export * from './lockfile';
export * from './frozen';
