export { type Listener, type Spec, type SpecInput } from './schema';
export { specJsonSchema } from './json-schema';
export { bootstrapTargetGroupName, brokerTargetGroupName, inventoryHostnameOf, nlbName, sharedDnsName, zonalDnsName } from './names';
export { specWarnings } from './validate';
export { loadSpec, type LocatedIssue, locateIssues, parseSpec, SpecError } from './load';
export { booleanSetting, EXAMPLE_SPEC_PATH, fileProblem, lockfilePathFor, REPO_ROOT, SettingError, SPEC_JSON_SCHEMA_PATH, specPathFromEnv } from './locate';
export { KafkaPrivateLinkError } from './errors';
export { MAX_BROKERS_PER_NLB, MAX_INBOUND_RULES_PER_SECURITY_GROUP, MAX_LB_NAME_LENGTH, MAX_LISTENERS_PER_NLB, NLB_IDLE_TIMEOUT_SECONDS } from './aws-limits';
export { CLUSTER_TAG, reservedTagKey } from './tags';
