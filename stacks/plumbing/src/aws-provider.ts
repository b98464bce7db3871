import { Construct } from 'constructs';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { CLUSTER_TAG } from '@kafka-privatelink/cluster-spec';
import { ExposurePlan } from '@kafka-privatelink/plan';
import { terraformLiteralMap } from './terraform-literal';

export { CLUSTER_TAG };

/** The account and region a stack deploys into: the provider's, or a consumer's. */
export interface StackAccount {
  /** The only account the stack may touch: a wrong profile fails before any change. */
  readonly account: string;
  readonly region: string;
  /** @default - the caller's credentials, no role assumed */
  readonly assumeRoleArn?: string;
}

/** The AWS provider of a stack of the cluster, tagging everything with the spec's tags and the cluster. */
export function accountProvider(scope: Construct, plan: ExposurePlan, target: StackAccount): AwsProvider {
  return new AwsProvider(scope, 'aws', {
    region: target.region,
    allowedAccountIds: [target.account],
    ...(target.assumeRoleArn ? { assumeRole: [{ roleArn: target.assumeRoleArn }] } : {}),
    defaultTags: [{ tags: terraformLiteralMap({ ...plan.tags, [CLUSTER_TAG]: plan.cluster }, 'tags') }],
  });
}
