export * from './aws-provider';
export * from './backend';
export * from './nlb-shard';
export * from './provider-stack';
export * from './terraform-ref';
