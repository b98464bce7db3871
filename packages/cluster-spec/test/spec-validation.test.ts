import { readFileSync } from 'node:fs';
import { parse, stringify } from 'yaml';
import { EXAMPLE_SPEC_PATH, parseSpec, SpecError, SPEC_JSON_SCHEMA_PATH, specJsonSchema, specPathFromEnv } from '../src';

const exampleText = readFileSync(EXAMPLE_SPEC_PATH, 'utf8');

/** The example spec with an edit applied to its data. */
function variant(edit: (spec: Record<string, any>) => void): string {
  const data = parse(exampleText);
  edit(data);
  return stringify(data);
}

function problems(text: string): string[] {
  try {
    parseSpec(text, 'cluster.yaml');
  } catch (e) {
    expect(e).toBeInstanceOf(SpecError);
    return (e as SpecError).issues.map((i) => `${i.field}: ${i.message}`);
  }
  throw new Error('expected the spec to be rejected');
}

describe('the example spec', () => {
  it('is valid and gets the documented defaults', () => {
    const spec = parseSpec(exampleText, EXAMPLE_SPEC_PATH);
    expect(spec.cluster).toBe('coban');
    expect(spec.brokers.map((b) => b.id)).toEqual([101, 201, 301]);
    expect(spec.provider.healthCheck).toEqual({ intervalSeconds: 10, healthyThreshold: 3, unhealthyThreshold: 3 });
    expect(spec.consumers[0].allowedSecurityGroupIds).toEqual([]);
  });

  it('is the default spec, and KAFKA_PRIVATELINK_SPEC selects another', () => {
    expect(specPathFromEnv({})).toBe(EXAMPLE_SPEC_PATH);
    expect(specPathFromEnv({ KAFKA_PRIVATELINK_SPEC: '/specs/other.yaml' })).toBe('/specs/other.yaml');
  });

  it('fills defaults for a minimal spec', () => {
    const minimal = variant((s) => {
      delete s.kafka;
      delete s.ports;
      delete s.backend;
      delete s.tags;
      delete s.provider.targetType;
      delete s.provider.crossZoneLoadBalancing;
      delete s.provider.acceptanceRequired;
      delete s.provider.idleTimeoutSeconds;
      delete s.dns.sharedName;
      delete s.dns.zonalName;
    });
    const spec = parseSpec(minimal, 'minimal.yaml');
    expect(spec.kafka.internalListener).toEqual({ name: 'INTERNAL', port: 9092, securityProtocol: 'PLAINTEXT' });
    expect(spec.kafka.clientListener).toEqual({ name: 'CLIENT', port: 9094, securityProtocol: 'PLAINTEXT' });
    expect(spec.ports).toEqual({ bootstrap: 10000, firstBroker: 10001, lastBroker: 10999, brokersPerShard: 49, maxShards: 1 });
    expect(spec.backend).toEqual({ type: 'local', directory: 'terraform-state' });
    expect(spec.provider).toMatchObject({ targetType: 'instance', crossZoneLoadBalancing: true, acceptanceRequired: true });
    expect(spec.dns).toEqual({ zone: 'grab', sharedName: 'kafka', zonalName: 'kafka-{az}' });
  });
});

describe('spec errors name the field, the value and what is allowed', () => {
  it('fails when the YAML is malformed, with the line', () => {
    expect(() => parseSpec('cluster: coban\nbrokers: [\n', 'bad.yaml')).toThrow(/bad\.yaml:\d+:\d+ \(YAML\): malformed YAML: /);
  });

  it('fails when a key is repeated', () => {
    expect(problems('cluster: a\ncluster: b\n')).toEqual(['(YAML): key "cluster" is given twice; keep one']);
    expect(() => parseSpec('cluster: a\nports:\n  bootstrap: 1\n  bootstrap: 2\n', 'c.yaml')).toThrow('c.yaml:4:3 (YAML): key "bootstrap" is given twice; keep one');
  });

  it('fails when a key is unknown, suggesting the likely one', () => {
    const text = variant((s) => {
      s.provider.crossZoneLoadBalncing = true;
      s.brokers[0].azid = 'apse1-az1';
    });
    expect(problems(text)).toEqual([
      'provider.crossZoneLoadBalncing: unknown key "crossZoneLoadBalncing": did you mean "crossZoneLoadBalancing"? allowed here: account, region, assumeRoleArn, vpcId, nlbSubnets, brokerSecurityGroupId, enforceSecurityGroupInboundRulesOnPrivateLinkTraffic, targetType, crossZoneLoadBalancing, acceptanceRequired, idleTimeoutSeconds, healthCheck, deregistrationDelaySeconds, allowedPrincipals, publicExposure',
      'brokers[0].azid: unknown key "azid": did you mean "azId"? allowed here: id, azId, instanceId, privateIp, inventoryHostname',
    ]);
  });

  it('fails when broker ids repeat', () => {
    expect(problems(variant((s) => (s.brokers[2].id = 101)))).toEqual([
      'brokers[2].id: broker id 101 is already used by brokers[0]; broker ids must be unique',
    ]);
  });

  it('fails when two brokers name the same instance, which would send one broker\'s port to the other', () => {
    expect(problems(variant((s) => (s.brokers[2].instanceId = s.brokers[0].instanceId)))).toEqual([
      'brokers[2].instanceId: i-0a1b2c3d4e5f60101 is already the instance of brokers[0]; every broker runs on its own EC2 instance',
    ]);
  });

  it('fails when two ip targets repeat, or an instance id does not look like one', () => {
    const text = variant((s) => {
      s.provider.targetType = 'ip';
      s.brokers[1].privateIp = s.brokers[0].privateIp;
      s.brokers[2].instanceId = '10.0.3.11';
    });
    expect(problems(text)).toEqual([
      'brokers[2].instanceId: must be an EC2 instance id, like i-0a1b2c3d4e5f60718 (got "10.0.3.11")',
      'brokers[1].privateIp: 10.0.1.11 is already the private IP of brokers[0]',
    ]);
  });

  it('fails when one subnet is given for two AZ IDs', () => {
    const text = variant((s) => {
      s.provider.nlbSubnets['apse1-az2'] = s.provider.nlbSubnets['apse1-az1'];
      s.consumers[0].subnets['apse1-az3'] = s.consumers[0].subnets['apse1-az1'];
    });
    expect(problems(text)).toEqual([
      'provider.nlbSubnets."apse1-az2": subnet-0a1b2c3d4e5f60011 is already the subnet of apse1-az1; a subnet lies in one AZ only',
      'consumers[0].subnets."apse1-az3": subnet-0b1b2c3d4e5f60011 is already the subnet of apse1-az1; a subnet lies in one AZ only',
    ]);
  });

  it('fails when two consumers share a VPC or a hosted zone', () => {
    const text = variant((s) => {
      s.consumers[0].hostedZoneId = 'Z0123456789ABCDEFGHIJ';
      s.consumers.push({ ...s.consumers[0], name: 'kios-b' });
    });
    expect(problems(text)).toEqual([
      'consumers[1].vpcId: vpc-0b1b2c3d4e5f60001 is already the VPC of consumers[0] (kios); list all clients of a VPC under one consumer',
      "consumers[1].hostedZoneId: Z0123456789ABCDEFGHIJ is already the hosted zone of consumers[0] (kios); each consumer's records point at its own endpoint, so each needs its own zone (leave hostedZoneId out to create one)",
    ]);
  });

  it('fails when an inventory host name repeats, or is no host name', () => {
    const text = variant((s) => {
      s.brokers[0].inventoryHostname = 'broker-201';
      s.brokers[2].inventoryHostname = '../kafka-301';
    });
    expect(problems(text)).toEqual([
      'brokers[2].inventoryHostname: must be a host name or FQDN (letters, digits, hyphens, dots), like kafka-101.prod.example.com (got "../kafka-301")',
      'brokers[1].inventoryHostname: inventory host broker-201 is already the host of brokers[0]; inventory host names must be unique',
    ]);
    expect(problems(variant((s) => (s.brokers[0].inventoryHostname = 'broker-201')))).toEqual([
      'brokers[1].inventoryHostname: inventory host broker-201 is already the host of brokers[0]; inventory host names must be unique',
    ]);
  });

  it('fails when a broker is in an AZ where the NLB has no subnet', () => {
    expect(problems(variant((s) => (s.brokers[1].azId = 'apse1-az4')))).toEqual([
      'brokers[1].azId: broker 201 is in apse1-az4, where the NLB has no subnet; provider.nlbSubnets covers apse1-az1, apse1-az2, apse1-az3',
    ]);
  });

  it('fails when a consumer does not cover the NLB AZ IDs, or names one the NLB lacks', () => {
    const text = variant((s) => {
      delete s.consumers[0].subnets['apse1-az3'];
      s.consumers[0].subnets['apse1-az4'] = 'subnet-0b1b2c3d4e5f60014';
    });
    expect(problems(text)).toEqual([
      'consumers[0].subnets: consumer kios has no subnet in apse1-az3; the NLB serves apse1-az1, apse1-az2, apse1-az3 and the endpoint needs a subnet in each',
      'consumers[0].subnets."apse1-az4": the NLB has no subnet in apse1-az4, so the endpoint service is not offered there; NLB AZ IDs: apse1-az1, apse1-az2, apse1-az3',
    ]);
  });

  it('fails when an AZ ID is not of the form <region-code>-az<N>, or belongs to another region', () => {
    const text = variant((s) => {
      s.brokers[0].azId = 'ap-southeast-1a';
      s.provider.region = 'ap-northeast-1';
    });
    expect(problems(text)).toEqual([
      "brokers[0].azId: is an AZ name, and AZ names differ between accounts: give the AZ ID, like apse1-az1; `aws ec2 describe-availability-zones --region ap-southeast-1 --query 'AvailabilityZones[].[ZoneName,ZoneId]'` lists both (got \"ap-southeast-1a\")",
      ...['apse1-az1', 'apse1-az2', 'apse1-az3'].map(
        (az) => `provider.nlbSubnets."${az}": AZ ID ${az} is not in provider.region ap-northeast-1, whose AZ IDs start with apne1-`,
      ),
    ]);
  });

  it('fails on malformed CIDRs, account ids, ports and resource ids', () => {
    const text = variant((s) => {
      s.consumers[0].allowedCidrs = ['10.20.0.0/33', '10.20.1.0/16', '0.0.0.0/0'];
      s.consumers[0].account = 22222222222;
      s.provider.account = '11111111111';
      s.ports.bootstrap = 70000;
      s.provider.vpcId = 'vpc-xyz';
      s.consumers[0].subnets['apse1-az1'] = 'subnet-12';
      s.brokers[0].instanceId = 'i-zz';
      s.provider.brokerSecurityGroupId = 'sg_1';
    });
    expect(problems(text)).toEqual([
      'provider.account: must be a 12-digit AWS account id, like "111122223333" (got "11111111111")',
      'provider.vpcId: must be a VPC id, like vpc-0a1b2c3d4e5f60718 (got "vpc-xyz")',
      'provider.brokerSecurityGroupId: must be a security group id, like sg-0a1b2c3d4e5f60718 (got "sg_1")',
      'brokers[0].instanceId: must be an EC2 instance id, like i-0a1b2c3d4e5f60718 (got "i-zz")',
      'ports.bootstrap: must be between 1 and 65535 (got 70000)',
      'consumers[0].account: must be a 12-digit AWS account id in quotes (YAML drops leading zeros of numbers) (got 22222222222)',
      'consumers[0].subnets."apse1-az1": must be a subnet id, like subnet-0a1b2c3d4e5f60718 (got "subnet-12")',
      'consumers[0].allowedCidrs[0]: must be an IPv4 CIDR block, like 10.20.0.0/16 (got "10.20.0.0/33")',
      'consumers[0].allowedCidrs[1]: has host bits set; the block is 10.20.0.0/16 (got "10.20.1.0/16")',
      "consumers[0].allowedCidrs[2]: must not be 0.0.0.0/0: allow the clients' own networks only (got \"0.0.0.0/0\")",
    ]);
  });

  it('fails when the NLB ports overlap the brokers\' own listener ports', () => {
    const text = variant((s) => {
      s.ports.firstBroker = 9001;
      s.ports.lastBroker = 9999;
    });
    expect(problems(text)).toEqual([
      'kafka.internalListener.port: 9092 overlaps the NLB ports (bootstrap 10000, brokers 9001-9999); keep broker listener ports outside them',
      'kafka.clientListener.port: 9094 overlaps the NLB ports (bootstrap 10000, brokers 9001-9999); keep broker listener ports outside them',
      'kafka.controllerListener.port: 9093 overlaps the NLB ports (bootstrap 10000, brokers 9001-9999); keep broker listener ports outside them',
    ]);
  });

  it('fails when the bootstrap port is inside the broker range, or listeners share a port or name', () => {
    const text = variant((s) => {
      s.ports.bootstrap = 10005;
      s.kafka.clientListener.port = 9092;
      s.kafka.controllerListener.name = 'INTERNAL';
    });
    expect(problems(text)).toEqual([
      'ports.bootstrap: 10005 lies inside the broker port range 10001-10999',
      'kafka.clientListener.port: 9092 is already the port of kafka.internalListener',
      'kafka.controllerListener.name: INTERNAL is already the name of kafka.internalListener',
    ]);
  });

  it('fails when derived load balancer or target group names would exceed 32 characters', () => {
    const text = variant((s) => {
      s.cluster = 'payments-kafka-primary-1';
      s.brokers[0].id = 1234567;
    });
    expect(problems(text)).toEqual([
      'cluster: "payments-kafka-primary-1" would make the load balancer/target group name "payments-kafka-primary-1-b1234567" 33 characters long; AWS allows 32, so the cluster name may have at most 23 characters',
    ]);
  });

  it('fails when instance targets lack an instance id, a consumer allows nobody, or two consumers share a name', () => {
    const text = variant((s) => {
      delete s.brokers[2].instanceId;
      s.consumers[0].allowedCidrs = [];
      s.consumers.push({ ...s.consumers[0], account: '333333333333', vpcId: 'vpc-0c1b2c3d4e5f60001', allowedCidrs: ['10.30.0.0/16'] });
    });
    expect(problems(text)).toEqual([
      'brokers[2].instanceId: broker 301 needs an instanceId because provider.targetType is instance (or set targetType: ip)',
      'consumers[0]: consumer kios allows no client: set allowedCidrs and/or allowedSecurityGroupIds',
      'consumers[1].name: consumer name kios is already used by consumers[0]',
    ]);
  });

  it('fails when the NLB filters PrivateLink traffic and a consumer admits clients by security group only', () => {
    const text = variant((s) => {
      s.consumers[0].allowedCidrs = [];
      s.consumers[0].allowedSecurityGroupIds = ['sg-0b1b2c3d4e5f60021'];
    });
    expect(problems(text)).toEqual([
      'consumers[0].allowedSecurityGroupIds: consumer kios admits clients by security group only, but provider.enforceSecurityGroupInboundRulesOnPrivateLinkTraffic ' +
        'is true: the NLB then filters on client IPs and cannot reference security groups of another VPC; ' +
        "list the clients' networks in allowedCidrs too, or set the enforcement to false",
    ]);
  });

  it('fails when zonal names would collide', () => {
    const text = variant((s) => (s.dns.zonalName = 'kafka-zone'));
    expect(problems(text)).toEqual(['dns.zonalName: must contain {az} (az1) or {azId} (apse1-az1) (got "kafka-zone")']);
  });

  it('fails when the security choice for PrivateLink traffic is left out', () => {
    const text = variant((s) => delete s.provider.enforceSecurityGroupInboundRulesOnPrivateLinkTraffic);
    expect(problems(text)).toEqual(['provider.enforceSecurityGroupInboundRulesOnPrivateLinkTraffic: is required']);
  });

  it('reports all problems of a file together, each with its line', () => {
    const text = exampleText
      .replace('id: 201', 'id: 101')
      .replace('10.20.0.0/16', '10.20.0.1/16')
      .replace('crossZoneLoadBalancing: true', 'crossZoneLoadBalancing: yes please');
    let error: SpecError | undefined;
    try {
      parseSpec(text, 'coban.yaml');
    } catch (e) {
      error = e as SpecError;
    }
    expect(error?.message).toBe(
      [
        'coban.yaml: 3 problems in the cluster spec:',
        '  - coban.yaml:20:3 provider.crossZoneLoadBalancing: Invalid input: expected boolean, received string (got "yes please")',
        '  - coban.yaml:69:9 consumers[0].allowedCidrs[0]: has host bits set; the block is 10.20.0.0/16 (got "10.20.0.1/16")',
        '  - coban.yaml:30:5 brokers[1].id: broker id 101 is already used by brokers[0]; broker ids must be unique',
      ].join('\n'),
    );
  });

  it('fails when AZ names are used as keys where AZ IDs are needed, saying how to find the IDs', () => {
    const text = variant((s) => {
      s.provider.nlbSubnets['us-east-1a'] = 'subnet-0a1b2c3d4e5f60014';
      s.consumers[0].subnets.az1 = 'subnet-0b1b2c3d4e5f60014';
    });
    expect(problems(text)).toEqual([
      "provider.nlbSubnets.\"us-east-1a\": is an AZ name, and AZ names differ between accounts: give the AZ ID, like apse1-az1; `aws ec2 describe-availability-zones --region us-east-1 --query 'AvailabilityZones[].[ZoneName,ZoneId]'` lists both (got \"us-east-1a\")",
      'consumers[0].subnets.az1: must be an AZ ID of the form <region-code>-az<N>, like apse1-az1 (got "az1")',
    ]);
  });

  it('runs every check whose fields are valid even when other fields of the same section fail the schema', () => {
    const text = variant((s) => {
      s.provider.vpcId = 'vpc-nope';
      s.brokers[0].instanceId = 'i-nope';
      s.brokers[1].azId = 'apse1-az4';
      s.brokers[2].privateIp = s.brokers[1].privateIp;
      s.ports.firstBroker = 'ten thousand';
      s.consumers[0].vpcId = 'vpc-nope';
      delete s.consumers[0].subnets['apse1-az3'];
    });
    expect(problems(text)).toEqual([
      'provider.vpcId: must be a VPC id, like vpc-0a1b2c3d4e5f60718 (got "vpc-nope")',
      'brokers[0].instanceId: must be an EC2 instance id, like i-0a1b2c3d4e5f60718 (got "i-nope")',
      'ports.firstBroker: must be a port number (got "ten thousand")',
      'consumers[0].vpcId: must be a VPC id, like vpc-0a1b2c3d4e5f60718 (got "vpc-nope")',
      'brokers[2].privateIp: 10.0.2.11 is already the private IP of brokers[1]',
      'brokers[1].azId: broker 201 is in apse1-az4, where the NLB has no subnet; provider.nlbSubnets covers apse1-az1, apse1-az2, apse1-az3',
      'consumers[0].subnets: consumer kios has no subnet in apse1-az3; the NLB serves apse1-az1, apse1-az2, apse1-az3 and the endpoint needs a subnet in each',
    ]);
  });

  it('fails when a cluster name makes a load balancer or security group name AWS reserves', () => {
    expect(problems(variant((s) => (s.cluster = 'internal-kafka')))).toEqual([
      'cluster: "internal-kafka" would make the load balancer name "internal-kafka-nlb-s0", and AWS refuses load balancer names that begin with "internal-"',
    ]);
    expect(problems(variant((s) => (s.cluster = 'sg-kafka')))).toEqual([
      'cluster: "sg-kafka" would make the security group name "sg-kafka-nlb-s0", and AWS refuses security group names that begin with "sg-"',
    ]);
  });

  it('fails when two names of the zone collide on any shard the cluster may grow to', () => {
    const text = variant((s) => {
      s.dns.sharedName = 'kafka-az1-s1';
      s.ports.maxShards = 2;
    });
    expect(problems(text)).toEqual([
      'dns.sharedName: gives kafka-az1-s1.grab as both the bootstrap name of shard 0 and the zonal name of apse1-az1 on shard 1; shards append -s<N> to the first label, so avoid names that end like that',
    ]);
  });

  it('fails when a rule on lower-case names is broken, and says lower-case', () => {
    expect(problems(variant((s) => (s.dns.sharedName = 'Kafka')))).toEqual([
      'dns.sharedName: must be one lower-case DNS label (letters, digits, hyphens; 63 at most), like kafka (got "Kafka")',
    ]);
  });

  it('fails when brokers would replicate over the client listener through names the provider VPC cannot resolve', () => {
    expect(problems(variant((s) => (s.kafka.interBrokerListener = 'client')))).toEqual([
      'kafka.interBrokerListener: client makes the brokers replicate through the zonal names, which resolve only in the consumer VPCs; ' +
        'use internal, or add a consumer for the provider VPC vpc-0a1b2c3d4e5f60001 whose allowedCidrs cover the brokers',
    ]);
    const inVpc = (cidrs: string[]) =>
      variant((s) => {
        s.kafka.interBrokerListener = 'client';
        s.consumers.push({ ...s.consumers[0], name: 'brokers', account: s.provider.account, vpcId: s.provider.vpcId, allowedCidrs: cidrs });
      });
    expect(problems(inVpc(['10.0.1.0/24', '10.0.2.0/24']))).toEqual([
      'kafka.interBrokerListener: client makes the brokers replicate through the endpoint of consumer brokers, whose allowedCidrs do not cover broker 301 (10.0.3.11)',
    ]);
    expect(() => parseSpec(inVpc(['10.0.0.0/16']), 'cluster.yaml')).not.toThrow();
  });

  it('fails when the backend type is unknown', () => {
    expect(problems(variant((s) => (s.backend = { type: 'gcs' })))).toEqual(['backend.type: must be one of local, s3; got "gcs"']);
  });
});

describe('the published JSON Schema', () => {
  it('is up to date with the zod schema (run `npx nx run spec:schema` after changing it)', () => {
    expect(readFileSync(SPEC_JSON_SCHEMA_PATH, 'utf8')).toBe(specJsonSchema());
  });

  it('describes the required fields and forbids unknown keys', () => {
    const schema = JSON.parse(specJsonSchema());
    expect(schema.required).toEqual(expect.arrayContaining(['cluster', 'provider', 'brokers', 'dns']));
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.provider.properties.nlbSubnets.propertyNames.pattern).toBeDefined();
  });
});
