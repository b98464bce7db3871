export * from './consumer-stacks';
export * from './consumer-stack';
export * from './acceptance-stack';
export * from './aws-provider';
export * from './terraform-names';
