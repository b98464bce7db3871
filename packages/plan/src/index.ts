export * from './plan';
export * from './outputs';
export * from './pipeline';
export * from './errors';
