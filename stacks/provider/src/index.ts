export {
  KafkaPrivateLinkProvider,
  type KafkaBrokerTarget,
  type KafkaHealthCheck,
  type KafkaPrivateLinkProviderProps,
} from './kafka-privatelink-provider';
export { type KafkaRetiredPort } from './port-guards';
export { ProviderStack, type ProviderStackProps } from './provider-stack';
