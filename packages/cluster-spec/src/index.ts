export * from './schema';
export * from './names';
export * from './validate';
export * from './load';
export * from './json-schema';
export * from './locate';
export * from './errors';
export * from './aws-limits';
