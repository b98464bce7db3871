import { readFileSync } from 'node:fs';
import { Document, parseDocument } from 'yaml';
import { AllocationChange, EMPTY_LOCK, PortLock } from '@kafka-privatelink/port-allocation';
import { ExposurePlan, planWithLock, PreparedPlan } from '@kafka-privatelink/plan';
import { EXAMPLE_SPEC_PATH, parseSpec } from '@kafka-privatelink/cluster-spec';

/** The example spec (brokers 101/201/301 in apse1-az1..3), optionally edited as a YAML document. */
export function exampleSpecText(edit?: (doc: Document) => void): string {
  const doc = parseDocument(readFileSync(EXAMPLE_SPEC_PATH, 'utf8'));
  edit?.(doc);
  return doc.toString();
}

/**
 * Brokers replicating over the client listener, which the spec allows only when the provider VPC
 * is a consumer too (the zonal names resolve there) and admits the brokers.
 */
export function replicateOverClientListener(doc: Document): void {
  doc.setIn(['kafka', 'interBrokerListener'], 'client');
  const { account, vpcId } = (doc.toJS() as { provider: { account: string; vpcId: string } }).provider;
  doc.addIn(['consumers'], {
    name: 'brokers',
    account,
    vpcId,
    subnets: { 'apse1-az1': 'subnet-0c1b2c3d4e5f60011', 'apse1-az2': 'subnet-0c1b2c3d4e5f60012', 'apse1-az3': 'subnet-0c1b2c3d4e5f60013' },
    allowedCidrs: ['10.0.0.0/16'],
  });
}

export interface TestPlan {
  readonly plan: ExposurePlan;
  readonly lock: PortLock;
  readonly changes: readonly AllocationChange[];
}

/** Spec text → plan, allocating ports on top of a previous lock like synth does. */
export function planOf(specText: string, previous: PortLock = EMPTY_LOCK): TestPlan {
  const { plan, lock, changes } = planWithLock(parseSpec(specText, 'coban.yaml'), previous);
  return { plan, lock, changes };
}

/** The example as committed: every broker already in the lock, so no changes. */
export function examplePlan(edit?: (doc: Document) => void): TestPlan {
  const committed = planOf(exampleSpecText()).lock;
  return planOf(exampleSpecText(edit), committed);
}

export function preparedOf({ plan, changes }: TestPlan, specPath = '/repo/examples/coban.yaml'): PreparedPlan {
  const spec = parseSpec(exampleSpecText(), 'coban.yaml');
  return {
    specPath,
    spec,
    plan,
    lockfilePath: specPath.replace(/\.yaml$/, '.ports-lock.json'),
    lockfileText: '',
    lockfileChanged: false,
    changes,
    warnings: [],
  };
}

export const addBroker401 = (doc: Document): void => {
  doc.addIn(['brokers'], doc.createNode({ id: 401, azId: 'apse1-az1', instanceId: 'i-0a1b2c3d4e5f60401', privateIp: '10.0.1.12' }));
};
