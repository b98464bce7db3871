import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { generateSpec } from '@kafka-privatelink/bench';
import { REPO_ROOT, SpecInput } from '@kafka-privatelink/cluster-spec';
import { SpareBroker } from './world';

/** One spec the emulator run deploys, and what it does with it after the first apply. */
export interface Scenario {
  readonly name: string;
  readonly spec: SpecInput;
  /** The committed lockfile to start from. @default - none: every port is allocated afresh */
  readonly lockfile?: string;
  /** Scale-out, removal and the refused destroy, with this broker added. */
  readonly lifecycle?: SpareBroker;
  /** After the deploy, the lockfile is deleted and synth allocates afresh: the provider's plan must be refused. */
  readonly losesLockfile?: boolean;
  /** Deployed by an admin and then planned with only the plan role's policy, IAM enforced. */
  readonly planRole?: boolean;
}

const EXAMPLE = join(REPO_ROOT, 'examples', 'coban.yaml');
export const exampleSpec = (): SpecInput => parse(readFileSync(EXAMPLE, 'utf8')) as SpecInput;

/** The example: three brokers, one consumer in another account. */
export const example = (): Scenario => ({
  name: 'example',
  spec: exampleSpec(),
  lockfile: join(REPO_ROOT, 'examples', 'coban.ports-lock.json'),
  lifecycle: { id: 401, azId: 'apse1-az1', privateIp: '10.0.1.12' },
});

/** 60 brokers on two NLB shards (49 + 11), their addresses in one VPC, one /24 per AZ. */
export function sharded(): Scenario {
  const spec = generateSpec({ brokers: 60, consumers: 1 });
  const azIds = Object.keys(spec.provider.nlbSubnets).sort();
  return {
    name: 'sharded-60',
    spec: {
      ...spec,
      cluster: 'sharded',
      brokers: spec.brokers.map((b, i) => ({ ...b, privateIp: `10.0.${azIds.indexOf(b.azId) + 1}.${10 + Math.floor(i / azIds.length)}` })),
    },
  };
}

/** The example with a second consumer in another account and another region (cross-region PrivateLink). */
export function crossRegion(): Scenario {
  const spec = exampleSpec();
  return {
    name: 'cross-region',
    spec: {
      ...spec,
      consumers: [
        ...(spec.consumers ?? []),
        {
          name: 'dublin',
          account: '333333333333',
          region: 'eu-west-1',
          vpcId: 'vpc-0c1b2c3d4e5f60001',
          subnets: { 'euw1-az1': 'subnet-0c1b2c3d4e5f60011', 'euw1-az2': 'subnet-0c1b2c3d4e5f60012', 'euw1-az3': 'subnet-0c1b2c3d4e5f60013' },
          allowedCidrs: ['10.30.0.0/16'],
        },
      ],
    },
    lockfile: join(REPO_ROOT, 'examples', 'coban.ports-lock.json'),
  };
}

/**
 * The example after broker 201 left (its port 10002 retired), whose lockfile is then lost: synth
 * gives broker 301 port 10002, which the deployed guards must refuse.
 */
export function lostLockfile(): Scenario {
  const spec = exampleSpec();
  return {
    name: 'lost-lockfile',
    spec: { ...spec, brokers: spec.brokers.filter((b) => b.id !== 201) },
    lockfile: join(REPO_ROOT, 'examples', 'coban.ports-lock.json'),
    losesLockfile: true,
  };
}

/**
 * The example with its state in S3 and a DynamoDB lock table, deployed by an admin and planned by
 * the pull-request plan role (tools/ci/plan-role-policy.json), with moto enforcing IAM.
 */
export function planRole(): Scenario {
  const spec = exampleSpec();
  return {
    name: 'plan-role',
    spec: { ...spec, backend: { type: 's3', bucket: 'coban-state', region: spec.provider.region, keyPrefix: 'kafka-privatelink', dynamodbTable: 'coban-locks' } },
    lockfile: join(REPO_ROOT, 'examples', 'coban.ports-lock.json'),
    planRole: true,
  };
}

export const ALL_SCENARIOS = [example, sharded, crossRegion, lostLockfile, planRole] as const;
