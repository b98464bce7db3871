export { accountProvider, CLUSTER_TAG, type StackAccount } from './aws-provider';
export { configureBackend, remoteState, stateKey, type StateLocationProps } from './backend';
export { namedOutput, ref, shardKey, terraformKey } from './terraform-names';
export { ConstructPropsError, PropsCheck } from './props';
export { TerraformLiteralError, terraformLiteral } from './terraform-literal';
