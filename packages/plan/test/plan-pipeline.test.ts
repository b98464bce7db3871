import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { FrozenLockfileError, LockfileError, PortAllocationError } from '@kafka-privatelink/port-allocation';
import { EXAMPLE_SPEC_PATH, parseSpec } from '@kafka-privatelink/cluster-spec';
import { planWithLock, preparePlan } from '../src';

const exampleText = readFileSync(EXAMPLE_SPEC_PATH, 'utf8');

function planOf(edit: (spec: Record<string, any>) => void = () => undefined) {
  const data = parse(exampleText);
  edit(data);
  return planWithLock(parseSpec(stringify(data), 'spec.yaml')).plan;
}

describe('buildPlan', () => {
  it('derives, for the example, the Grab article\'s layout: ports, zonal names, one shard', () => {
    const plan = planOf();
    expect(plan.brokers.map((b) => [b.id, b.azId, b.port, b.zonalName, b.targetGroupName])).toEqual([
      [101, 'apse1-az1', 10001, 'kafka-az1.grab', 'coban-b101'],
      [201, 'apse1-az2', 10002, 'kafka-az2.grab', 'coban-b201'],
      [301, 'apse1-az3', 10003, 'kafka-az3.grab', 'coban-b301'],
    ]);
    expect(plan.shards).toMatchObject([
      {
        index: 0,
        nlbName: 'coban-nlb-s0',
        bootstrapTargetGroupName: 'coban-boot-s0',
        brokerIds: [101, 201, 301],
        sharedName: 'kafka.grab',
        zonalNames: [
          { azId: 'apse1-az1', name: 'kafka-az1.grab' },
          { azId: 'apse1-az2', name: 'kafka-az2.grab' },
          { azId: 'apse1-az3', name: 'kafka-az3.grab' },
        ],
      },
    ]);
    expect(plan.bootstrapPort).toBe(10000);
    expect(plan.kafka.interBrokerListenerName).toBe('INTERNAL');
    expect(plan.provider.allowedPrincipals).toEqual(['arn:aws:iam::222222222222:root']);
    expect(plan.provider.supportedRegions).toEqual([]);
    expect(plan.recommendedConnectionsMaxIdleMs).toBe(320000);
  });

  it('allows the consumer accounts and adds other regions as supported regions', () => {
    const plan = planOf((s) => {
      s.consumers.push({
        name: 'analytics',
        account: '333333333333',
        region: 'eu-west-1',
        vpcId: 'vpc-0c1b2c3d4e5f60001',
        subnets: { 'euw1-az1': 'subnet-0c1b2c3d4e5f60011' },
        allowedCidrs: ['10.30.0.0/16'],
      });
    });
    expect(plan.consumers.map((c) => [c.name, c.stackName, c.crossRegion])).toEqual([
      ['analytics', 'consumer-analytics', true],
      ['kios', 'consumer-kios', false],
    ]);
    expect(plan.provider.allowedPrincipals).toEqual(['arn:aws:iam::222222222222:root', 'arn:aws:iam::333333333333:root']);
    // a list replaces the default (the service's own Region only), so the own Region is in it
    expect(plan.provider.supportedRegions).toEqual(['ap-southeast-1', 'eu-west-1']);
  });

  it('allows anyone only when the spec says "*"', () => {
    expect(planOf((s) => (s.provider.allowedPrincipals = ['*'])).provider.allowedPrincipals).toEqual(['*']);
  });

  it('names further shards apart from the first', () => {
    const plan = planOf((s) => {
      s.ports.brokersPerShard = 2;
      s.ports.maxShards = 2;
    });
    expect(plan.shards.map((s) => [s.index, s.nlbName, s.sharedName, s.brokerIds])).toEqual([
      [0, 'coban-nlb-s0', 'kafka.grab', [101, 201]],
      [1, 'coban-nlb-s1', 'kafka-s1.grab', [301]],
    ]);
    expect(plan.brokers[2].zonalName).toBe('kafka-az3-s1.grab');
  });

  it('registers IP targets by private IP', () => {
    const plan = planOf((s) => (s.provider.targetType = 'ip'));
    expect(plan.brokers.map((b) => b.targetId)).toEqual(['10.0.1.11', '10.0.2.11', '10.0.3.11']);
  });

  it('GIVEN the spec sets NLB settings WHEN planned THEN the provider plan carries them as written, and one left out stays out', () => {
    const plan = planOf((s) => {
      s.provider.deregistrationDelaySeconds = 20;
      delete s.provider.idleTimeoutSeconds;
    });
    expect(plan.provider).toMatchObject({ deregistrationDelaySeconds: 20, targetType: 'instance', crossZoneLoadBalancing: true, acceptanceRequired: true });
    expect(plan.provider).not.toHaveProperty('idleTimeoutSeconds');
    expect(planOf(() => undefined).provider).not.toHaveProperty('deregistrationDelaySeconds');
  });
});

describe('preparePlan', () => {
  const copyExample = () => {
    const dir = mkdtempSync(join(tmpdir(), 'kpl-plan-'));
    copyFileSync(EXAMPLE_SPEC_PATH, join(dir, 'coban.yaml'));
    copyFileSync(EXAMPLE_SPEC_PATH.replace('.yaml', '.ports-lock.json'), join(dir, 'coban.ports-lock.json'));
    return dir;
  };

  it('reads the committed lockfile and finds nothing to change for the example', () => {
    const prepared = preparePlan(EXAMPLE_SPEC_PATH, { frozenLockfile: true });
    expect(prepared.lockfileChanged).toBe(false);
    expect(prepared.changes).toEqual([]);
    expect(prepared.lockfilePath).toBe(EXAMPLE_SPEC_PATH.replace('.yaml', '.ports-lock.json'));
  });

  it('fails in frozen mode when a broker was added', () => {
    const dir = copyExample();
    const spec = join(dir, 'coban.yaml');
    writeFileSync(
      spec,
      readFileSync(spec, 'utf8').replace(
        'brokers:\n',
        'brokers:\n  - id: 401\n    azId: apse1-az1\n    instanceId: i-0a1b2c3d4e5f60401\n    privateIp: 10.0.1.12\n',
      ),
    );
    expect(() => preparePlan(spec, { frozenLockfile: true })).toThrow(FrozenLockfileError);
    const prepared = preparePlan(spec);
    expect(prepared.lockfileChanged).toBe(true);
    expect(prepared.changes).toEqual([{ kind: 'allocated', broker: 401, port: 10004, shard: 0 }]);
    expect(prepared.lockfileText).toContain('"401": { "port": 10004, "shard": 0, "listener": "CLIENT" }');
  });

  it('uses the lockfile the spec names', () => {
    const dir = copyExample();
    const spec = join(dir, 'coban.yaml');
    writeFileSync(spec, readFileSync(spec, 'utf8').replace('ports:\n', 'ports:\n  lockfile: locks/ports.json\n'));
    mkdirSync(join(dir, 'locks'));
    renameSync(join(dir, 'coban.ports-lock.json'), join(dir, 'locks', 'ports.json'));
    const prepared = preparePlan(spec, { frozenLockfile: true });
    expect(prepared.lockfilePath).toBe(join(dir, 'locks', 'ports.json'));
    expect(prepared.lockfileChanged).toBe(false);
  });

  const BROKER_401 = 'brokers:\n  - id: 401\n    azId: apse1-az1\n    instanceId: i-0a1b2c3d4e5f60401\n    privateIp: 10.0.1.12\n';
  const withoutCluster = (text: string) => text.replace(/ {2}"cluster": .*\n/, '');

  it('fails when the spec was renamed away from its lockfile, instead of allocating every port anew', () => {
    const dir = copyExample();
    renameSync(join(dir, 'coban.yaml'), join(dir, 'coban-prod.yaml'));
    expect(() => preparePlan(join(dir, 'coban-prod.yaml'))).toThrow(PortAllocationError);
    expect(() => preparePlan(join(dir, 'coban-prod.yaml'))).toThrow(
      `ports.lockfile: there is no port lockfile at ${join(dir, 'coban-prod.ports-lock.json')}, but ${join(dir, 'coban.ports-lock.json')} ` +
        'holds the ports of cluster coban. Synth does not allocate ports from scratch while they exist (every broker would move to another port): ' +
        `move it to ${join(dir, 'coban-prod.ports-lock.json')} (git mv keeps its history), or set ports.lockfile in the spec to its path.`,
    );
  });

  it('fails when the spec was renamed away from a lockfile that does not record its cluster yet', () => {
    const dir = copyExample();
    const lock = join(dir, 'coban.ports-lock.json');
    writeFileSync(lock, withoutCluster(readFileSync(lock, 'utf8')));
    renameSync(join(dir, 'coban.yaml'), join(dir, 'coban-prod.yaml'));
    expect(() => preparePlan(join(dir, 'coban-prod.yaml'))).toThrow(/does not record its cluster \(written by an earlier version\) and may hold the ports of cluster coban/);
  });

  it('allocates from scratch beside the lockfile of another cluster', () => {
    const dir = copyExample();
    const spec = join(dir, 'coban.yaml');
    writeFileSync(spec, readFileSync(spec, 'utf8').replace('cluster: coban', 'cluster: other'));
    renameSync(spec, join(dir, 'other.yaml'));
    const prepared = preparePlan(join(dir, 'other.yaml'));
    expect(prepared.lockfileText).toContain('"cluster": "other"');
    expect(prepared.plan.brokers.map((b) => b.port)).toEqual([10001, 10002, 10003]);
  });

  it('refuses a lockfile of another cluster, saying what a rename means and never pointing at a lockfile that does not exist', () => {
    const dir = copyExample();
    const spec = join(dir, 'coban.yaml');
    writeFileSync(spec, readFileSync(spec, 'utf8').replace('cluster: coban', 'cluster: other'));
    expect(() => preparePlan(spec)).toThrow(LockfileError);
    const message = (() => {
      try {
        preparePlan(spec);
      } catch (error) {
        return (error as Error).message;
      }
      return '';
    })();
    expect(message).toContain(`${join(dir, 'coban.ports-lock.json')} is not a valid port lockfile:\n  - it holds the ports of cluster coban, but the spec says cluster: other.`);
    expect(message).toContain('terraform-state/coban/provider.tfstate becomes terraform-state/other/provider.tfstate');
    expect(message).toContain('every consumer must re-create its interface endpoint');
    expect(message).toContain('NLB coban-nlb-s0 → other-nlb-s0');
    expect(message).toContain('kafka_coban becomes kafka_other');
    expect(message).toContain('To keep the cluster, set cluster: back to coban.');
    expect(message).not.toContain('leave it out to use the one beside the spec');
  });

  it('records the cluster in a lockfile written before it did, and frozen mode says that is the change', () => {
    const dir = copyExample();
    const lock = join(dir, 'coban.ports-lock.json');
    writeFileSync(lock, withoutCluster(readFileSync(lock, 'utf8')));
    expect(() => preparePlan(join(dir, 'coban.yaml'), { frozenLockfile: true })).toThrow(
      /- it does not record its cluster yet \(written by an earlier version\); synth adds "cluster": "coban"\n/,
    );
    expect(preparePlan(join(dir, 'coban.yaml')).lockfileText).toBe(readFileSync(EXAMPLE_SPEC_PATH.replace('.yaml', '.ports-lock.json'), 'utf8'));
  });

  it('accepts a lockfile checked out with CRLF line endings, and keeps them when it changes', () => {
    const dir = copyExample();
    const lock = join(dir, 'coban.ports-lock.json');
    writeFileSync(lock, readFileSync(lock, 'utf8').replaceAll('\n', '\r\n'));
    const spec = join(dir, 'coban.yaml');
    expect(preparePlan(spec, { frozenLockfile: true }).lockfileChanged).toBe(false);
    writeFileSync(spec, readFileSync(spec, 'utf8').replace('brokers:\n', BROKER_401));
    const prepared = preparePlan(spec);
    expect(prepared.lockfileText).toContain('"401": { "port": 10004, "shard": 0, "listener": "CLIENT" }\r\n');
    expect(prepared.lockfileText.replaceAll('\r\n', '')).not.toContain('\n');
  });

  it('fails in frozen mode on a lockfile that mixes line endings, saying so', () => {
    const dir = copyExample();
    const lock = join(dir, 'coban.ports-lock.json');
    writeFileSync(lock, readFileSync(lock, 'utf8').replace('\n', '\r\n'));
    expect(() => preparePlan(join(dir, 'coban.yaml'), { frozenLockfile: true })).toThrow(/- only its line endings differ \(it mixes CRLF and LF\)/);
  });

  it('fails with one line naming ports.lockfile when the lockfile path is a folder', () => {
    const dir = copyExample();
    const spec = join(dir, 'coban.yaml');
    mkdirSync(join(dir, 'locks'));
    writeFileSync(spec, readFileSync(spec, 'utf8').replace('ports:\n', 'ports:\n  lockfile: locks\n'));
    expect(() => preparePlan(spec)).toThrow(`ports.lockfile: ${join(dir, 'locks')} is a folder, not a file`);
  });

  it('warns about a consumer in another account without a role, saying what Terraform then does', () => {
    expect(preparePlan(EXAMPLE_SPEC_PATH).warnings).toEqual([
      {
        field: 'consumers[0].assumeRoleArn',
        location: '60:5',
        message:
          'consumer kios is in account 222222222222, not the provider\'s 111111111111, and has no assumeRoleArn: ' +
          'stack consumer-kios runs with whatever credentials deploy it, and Terraform refuses credentials of any other account at plan ' +
          '("AWS account ID not allowed"); deploy it with credentials of 222222222222, or set assumeRoleArn',
      },
    ]);
    const dir = copyExample();
    const spec = join(dir, 'coban.yaml');
    writeFileSync(spec, readFileSync(spec, 'utf8').replace('    region: ap-southeast-1\n    vpcId: vpc-0b', '    region: ap-southeast-1\n    assumeRoleArn: arn:aws:iam::222222222222:role/deployer\n    vpcId: vpc-0b'));
    expect(preparePlan(spec).warnings).toEqual([]);
    writeFileSync(spec, readFileSync(spec, 'utf8').replace('account: "222222222222"', 'account: "111111111111"').replace(/ {4}assumeRoleArn: .*\n/, ''));
    expect(preparePlan(spec).warnings).toEqual([]);
  });
});
