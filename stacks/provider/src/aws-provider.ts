import { Construct } from 'constructs';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';

export interface AccountProviderProps {
  /** The only account the stack may touch: a wrong profile fails before any change. */
  readonly account: string;
  readonly region: string;
  /** @default - the caller's credentials, no role assumed */
  readonly assumeRoleArn?: string;
  /** Tags on every resource. @default - none */
  readonly tags?: Readonly<Record<string, string>>;
}

/** The AWS provider of a stack that belongs to one account and region. */
export function accountProvider(scope: Construct, props: AccountProviderProps): AwsProvider {
  const tags = props.tags ?? {};
  return new AwsProvider(scope, 'aws', {
    region: props.region,
    allowedAccountIds: [props.account],
    ...(props.assumeRoleArn ? { assumeRole: [{ roleArn: props.assumeRoleArn }] } : {}),
    ...(Object.keys(tags).length > 0 ? { defaultTags: [{ tags: { ...tags } }] } : {}),
  });
}
