export * from './artifacts';
export * from './artifact-paths';
export * from './ansible-inventory';
export * from './kafka-listeners';
export * from './topology-report';
