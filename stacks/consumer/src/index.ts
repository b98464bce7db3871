export * from './consumer-stacks';
