export * from './consumer-stacks';
export * from './consumer-stack';
export * from './acceptance-stack';
