export * from './nlb-shard';
export * from './provider-stack';
