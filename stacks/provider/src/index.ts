export * from './backend';
export * from './provider-stack';
