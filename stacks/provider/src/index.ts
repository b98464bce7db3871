export {
  KafkaPrivateLinkProvider,
  type KafkaBrokerTarget,
  type KafkaHealthCheck,
  type KafkaPrivateLinkProviderProps,
} from './kafka-privatelink-provider';
export { ProviderStack, type ProviderStackProps } from './provider-stack';
