export { accountProvider, CLUSTER_TAG, type StackAccount } from './aws-provider';
export { configureBackend, remoteState, stateKey, type StateLocationProps } from './backend';
export { addressOf, namedOutput, ownAddresses, ref, setAddress, shardKey, terraformKey } from './terraform-names';
export { ConstructPropsError, PropsCheck, type UniqueName } from './props';
export { TerraformLiteralError, terraformLiteral } from './terraform-literal';
