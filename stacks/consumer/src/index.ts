export { KafkaPrivateLinkConsumer, type KafkaEndpointServiceRef, type KafkaPrivateLinkConsumerProps } from './kafka-privatelink-consumer';
export { KafkaPrivateLinkAcceptance, type KafkaEndpointConnection, type KafkaPrivateLinkAcceptanceProps } from './kafka-privatelink-acceptance';
export { ConsumerStack, type ConsumerStackProps } from './consumer-stack';
export { AcceptanceStack, type AcceptanceStackProps } from './acceptance-stack';
export { addConsumerStacks, type ConsumerStacksProps } from './consumer-stacks';
