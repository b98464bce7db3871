import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parse, stringify } from 'yaml';
import { EXAMPLE_SPEC_PATH, parseSpec, REPO_ROOT, reservedTagKey, SpecError, specWarnings } from '../src';
import { AWS_REGIONS } from '../src/aws-partitions';
import { cidrUnionSize, ipv4ToInt } from '../src/schema';

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

/** The example with every optional string field set, local or S3 backend. */
const fullSpec = (backend: 'local' | 's3') =>
  variant((s) => {
    s.provider.assumeRoleArn = 'arn:aws:iam::111111111111:role/deployer';
    s.provider.allowedPrincipals = ['arn:aws:iam::333333333333:root'];
    s.brokers[0].inventoryHostname = 'kafka-101.prod.example.com';
    s.kafka.clientListener.name = 'CLIENT';
    s.ports.lockfile = 'coban.ports-lock.json';
    s.consumers[0].assumeRoleArn = 'arn:aws:iam::222222222222:role/deployer';
    s.consumers[0].allowedSecurityGroupIds = ['sg-0b1b2c3d4e5f60021'];
    s.consumers[0].hostedZoneId = 'Z0123456789ABCDEFGHIJ';
    s.additionalRegions = ['ap-newregion-1'];
    if (backend === 's3') {
      s.backend = {
        type: 's3',
        bucket: 'coban-state',
        region: 'ap-southeast-1',
        keyPrefix: 'kafka-privatelink',
        dynamodbTable: 'terraform-locks',
        roleArn: 'arn:aws:iam::111111111111:role/state',
      };
    }
  });

/** Every string in the data, keys of mappings included, with the path to it. */
function strings(node: unknown, path: (string | number)[] = []): { path: (string | number)[]; key: boolean }[] {
  if (typeof node === 'string') return [{ path, key: false }];
  if (Array.isArray(node)) return node.flatMap((item, i) => strings(item, [...path, i]));
  if (node !== null && typeof node === 'object') {
    return Object.entries(node).flatMap(([k, v]) => [{ path: [...path, k], key: true }, ...strings(v, [...path, k])]);
  }
  return [];
}

// Strings that never reach Terraform JSON: the editor's schema link, and the lockfile path synth reads.
const NOT_IN_TERRAFORM = ['$schema', 'ports.lockfile'];
// Fixed keys of the spec's own structure (cluster:, provider:, …): renaming one is an unknown key anyway.
const isFieldName = (path: (string | number)[]) => !['tags', 'nlbSubnets', 'subnets'].includes(String(path[path.length - 2]));

describe('spec strings are data, never Terraform templates', () => {
  for (const backend of ['local', 's3'] as const) {
    it(`refuses "\${…}" and "%{…}" in every string field and map key of a spec with a ${backend} backend`, () => {
      // GIVEN a valid spec with every optional string field set
      const text = fullSpec(backend);
      expect(() => parseSpec(text, 'full.yaml')).not.toThrow();
      const accepted: string[] = [];
      for (const { path, key } of strings(parse(text))) {
        const field = path.join('.');
        if (NOT_IN_TERRAFORM.includes(field) || (key && isFieldName(path))) continue;
        for (const sequence of ['${file("/etc/hostname")}', '%{ if true }x%{ endif }']) {
          // WHEN the template sequence is put into that one string
          const data = parse(text);
          const parent = path.slice(0, -1).reduce((n: any, k) => n[k], data);
          const last = path[path.length - 1];
          if (key) {
            parent[`${String(last)}${sequence}`] = parent[last];
            delete parent[last];
          } else parent[last] = `${parent[last]}${sequence}`;
          // THEN the spec is refused
          try {
            parseSpec(stringify(data), 'bad.yaml');
            accepted.push(`${key ? 'key of ' : ''}${field} with ${sequence}`);
          } catch (e) {
            expect(e).toBeInstanceOf(SpecError);
          }
        }
      }
      expect(accepted).toEqual([]);
    });
  }

  it('refuses a backend directory, key prefix or lock table that Terraform would read as a template', () => {
    expect(problems(variant((s) => (s.backend.directory = 'state-${path.cwd}')))).toEqual([
      'backend.directory: must not contain "${" or "%{" (Terraform reads them as templates in remote state but not in a backend), nor "#{" or "&{" (cdktf token markers) (got "state-${path.cwd}")',
    ]);
    const s3 = (field: string, value: string) =>
      problems(variant((s) => (s.backend = { type: 's3', bucket: 'coban-state', region: 'ap-southeast-1', [field]: value })));
    expect(s3('keyPrefix', 'state/${path.cwd}')).toEqual([
      "backend.keyPrefix: must be made of S3's safe key characters: letters, digits and ! - _ . * ' ( ) / (got \"state/${path.cwd}\")",
    ]);
    expect(s3('dynamodbTable', 'locks%{x}')).toEqual(['backend.dynamodbTable: must be a DynamoDB table name: 3-255 letters, digits, _ - . (got "locks%{x}")']);
  });
});

describe("tags follow AWS's rules and never lose to the product's own", () => {
  const tagProblems = (tags: Record<string, string>) => problems(variant((s) => (s.tags = tags)));

  it('accepts letters of any script, numbers, spaces and _ . : / = + - @', () => {
    const text = variant((s) => (s.tags = { 'Cost Centre': 'R and D', 'équipe/owner': 'plateforme@coban.example', 'k=v+1': '東京:1' }));
    expect(parseSpec(text, 'tags.yaml').tags['équipe/owner']).toBe('plateforme@coban.example');
  });

  it('refuses a key or value with characters outside them, naming the characters', () => {
    expect(tagProblems({ team: 'a${b}' })).toEqual([
      'tags.team: a tag value holds only letters, numbers, spaces and _ . : / = + - @ (AWS\'s rule), got "$" "{" "}" (got "a${b}")',
    ]);
    expect(tagProblems({ 'te%{am}': 'x' })).toEqual([
      `tags."te%{am}": a tag key holds only letters, numbers, spaces and _ . : / = + - @ (AWS's rule), got "%" "{" "}" (got "te%{am}")`,
    ]);
  });

  it('refuses keys over 128 and values over 256 characters', () => {
    expect(tagProblems({ ['k'.repeat(129)]: 'x' })[0]).toMatch(/^tags\.k+: a tag key has 1 to 128 characters \(AWS's limit\), got 129/);
    expect(tagProblems({ team: 'v'.repeat(257) })[0]).toMatch(/^tags\.team: a tag value has 0 to 256 characters \(AWS's limit\), got 257/);
    expect(() => parseSpec(variant((s) => (s.tags = { ['k'.repeat(128)]: 'é'.repeat(256) })), 'long.yaml')).not.toThrow();
  });

  it('refuses the tag key "//", which cdktf leaves out of the synthesized JSON', () => {
    expect(tagProblems({ '//': 'x' })).toEqual(['tags."//": a tag key must not be "//", Terraform JSON\'s comment key, which cdktf leaves out of the JSON (got "//")']);
  });

  it('refuses the reserved aws: prefix in any case, in keys and values', () => {
    expect(tagProblems({ 'AWS:team': 'x' })[0]).toMatch(/^tags\."AWS:team": a tag key must not begin with "aws:" in any case/);
    expect(tagProblems({ team: 'Aws:x' })[0]).toMatch(/^tags\.team: a tag value must not begin with "aws:"/);
  });

  it("refuses the tag keys the product sets itself, which would replace the spec's", () => {
    expect(tagProblems({ Name: 'kafka', 'kafka-privatelink:cluster': 'other', 'Kafka-PrivateLink:owner': 'x' })).toEqual([
      'tags.Name: the tag key Name is not for specs: the product tags its security groups, endpoint services and endpoints with their own Name, which would replace this one; choose another key',
      'tags."kafka-privatelink:cluster": the tag key kafka-privatelink:cluster is not for specs: keys beginning with "kafka-privatelink:" are the product\'s own (kafka-privatelink:cluster is set on every resource and would replace this one); choose another key',
      'tags."Kafka-PrivateLink:owner": the tag key Kafka-PrivateLink:owner is not for specs: keys beginning with "kafka-privatelink:" are the product\'s own (kafka-privatelink:cluster is set on every resource and would replace this one); choose another key',
    ]);
  });

  it('GIVEN the synthesized example WHEN every tag key of every stack is collected THEN each key the product sets is one a spec may not set', () => {
    // The golden output is the example's synth, byte for byte (stacks/app/test/golden.test.ts).
    const stacks = join(REPO_ROOT, 'stacks', 'app', 'test', 'golden', 'coban', 'stacks');
    const keys = new Set<string>();
    const collect = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(collect);
      else if (node !== null && typeof node === 'object') {
        for (const [k, v] of Object.entries(node)) {
          if (k === 'tags' && v !== null && typeof v === 'object' && !Array.isArray(v)) Object.keys(v).forEach((key) => keys.add(key));
          collect(v);
        }
      }
    };
    for (const stack of readdirSync(stacks)) collect(JSON.parse(readFileSync(join(stacks, stack, 'cdk.tf.json'), 'utf8')));
    const specTags = Object.keys(parseSpec(exampleText, EXAMPLE_SPEC_PATH).tags);
    const productKeys = [...keys].filter((k) => !specTags.includes(k)).sort();
    expect(productKeys).toEqual(['Name', 'kafka-privatelink:cluster']);
    expect(productKeys.filter((k) => reservedTagKey(k) === undefined)).toEqual([]);
  });

  it('refuses more tags than AWS allows per resource beside the two of the product', () => {
    const tags = Object.fromEntries(Array.from({ length: 49 }, (_, i) => [`t${i}`, 'x']));
    expect(tagProblems(tags)).toEqual(['tags: holds 49 tags; AWS allows 50 per resource and the product sets two of them, so at most 48']);
  });

  it('refuses a tag that Terraform would rewrite to its Unicode normalization form C', () => {
    // GIVEN the ANGSTROM SIGN, a letter that NFC writes as Å (LATIN CAPITAL LETTER A WITH RING ABOVE)
    expect(tagProblems({ team: '\u212B' })[0]).toMatch(/^tags\.team: a tag value must be in Unicode normalization form C.*"\u00C5"/);
  });
});

describe('an exposure stays private unless the spec says in writing that it is public', () => {
  const open = (edit: (s: Record<string, any>) => void = () => {}) =>
    variant((s) => {
      s.provider.allowedPrincipals = ['arn:aws:iam::333333333333:root', '*'];
      s.provider.acceptanceRequired = false;
      s.provider.enforceSecurityGroupInboundRulesOnPrivateLinkTraffic = false;
      edit(s);
    });

  it('refuses "*" without acceptance to a listener without authentication, naming what would restrict it', () => {
    expect(problems(open())).toEqual([
      'provider.allowedPrincipals[1]: "*" with provider.acceptanceRequired false lets any AWS account connect to the CLIENT listener (PLAINTEXT, no authentication) ' +
        "without anyone's approval; list the consumer accounts instead of \"*\", set acceptanceRequired: true, or use SASL_SSL on kafka.clientListener; " +
        'if it is meant to be public, say why in provider.publicExposure.reason',
    ]);
  });

  it('refuses it with TLS without SASL, and with the NLB filtering client networks, which any account can copy', () => {
    expect(problems(open((s) => (s.kafka.clientListener.securityProtocol = 'SSL')))[0]).toMatch(/^provider\.allowedPrincipals\[1\]: .*\(SSL, no authentication\)/);
    expect(problems(open((s) => (s.provider.enforceSecurityGroupInboundRulesOnPrivateLinkTraffic = true)))[0]).toMatch(/^provider\.allowedPrincipals\[1\]/);
  });

  it('accepts "*" when acceptance or SASL restricts who connects', () => {
    expect(() => parseSpec(open((s) => (s.provider.acceptanceRequired = true)), 'a.yaml')).not.toThrow();
    expect(() => parseSpec(open((s) => (s.kafka.clientListener.securityProtocol = 'SASL_SSL')), 'a.yaml')).not.toThrow();
  });

  it('accepts an open exposure with a written reason, and refuses an empty one', () => {
    const spec = parseSpec(open((s) => (s.provider.publicExposure = { reason: 'Public demo cluster with synthetic data only (ticket SEC-123).' })), 'a.yaml');
    expect(spec.provider.publicExposure?.reason).toMatch(/^Public demo/);
    expect(problems(open((s) => (s.provider.publicExposure = { reason: '  ok  ' }))).join('\n')).toMatch(
      /^provider\.publicExposure\.reason: must say in a sentence \(20 characters at least\)/,
    );
  });

  it('warns when a consent to a public exposure covers an exposure that is restricted', () => {
    const spec = parseSpec(variant((s) => (s.provider.publicExposure = { reason: 'Public demo cluster with synthetic data only.' })), 'a.yaml');
    expect(specWarnings(spec).filter((w) => w.path[0] === 'provider')).toEqual([expect.objectContaining({ path: ['provider', 'publicExposure'] })]);
  });
});

describe('client networks are judged by what they cover together', () => {
  const cidrs = (list: string[]) => variant((s) => (s.consumers[0].allowedCidrs = list));

  it('refuses blocks that together cover every IPv4 address, naming them', () => {
    expect(problems(cidrs(['0.0.0.0/1', '128.0.0.0/1']))).toEqual([
      "consumers[0].allowedCidrs: 0.0.0.0/1 (consumers[0].allowedCidrs[0]), 128.0.0.0/1 (consumers[0].allowedCidrs[1]) together cover every IPv4 address, as 0.0.0.0/0 would; allow the clients' own networks only",
    ]);
    expect(problems(cidrs(['10.20.0.0/16', '0.0.0.0/2', '64.0.0.0/2', '128.0.0.0/1']))[0]).toMatch(/together cover every IPv4 address/);
  });

  it('refuses blocks that together cover more than all private address space', () => {
    expect(problems(cidrs(['0.0.0.0/2', '10.0.0.0/8']))).toEqual([
      "consumers[0].allowedCidrs: 0.0.0.0/2 (consumers[0].allowedCidrs[0]), 10.0.0.0/8 (consumers[0].allowedCidrs[1]) together cover 1073741824 addresses, more than the 33554432 (a /7) that all private address space fits in; allow the clients' own networks only",
    ]);
  });

  it('refuses a single block wider than all private address space', () => {
    expect(problems(cidrs(['0.0.0.0/1']))).toEqual([
      "consumers[0].allowedCidrs: 0.0.0.0/1 (consumers[0].allowedCidrs[0]) covers 2147483648 addresses, more than the 33554432 (a /7) that all private address space fits in; allow the clients' own networks only",
    ]);
  });

  it('GIVEN any blocks of one /20 WHEN their union is measured THEN it counts each address once, as a set of addresses does', () => {
    const block = fc.record({ offset: fc.integer({ min: 0, max: 4095 }), prefix: fc.integer({ min: 20, max: 32 }) }).map(({ offset, prefix }) => {
      const size = 2 ** (32 - prefix);
      const start = ipv4ToInt('10.20.0.0') + offset - (offset % size);
      return { cidr: `10.20.${Math.floor(start / 256) % 256}.${start % 256}/${prefix}`, start, size };
    });
    fc.assert(
      fc.property(fc.array(block, { maxLength: 6 }), (blocks) => {
        const addresses = new Set(blocks.flatMap((b) => Array.from({ length: b.size }, (_, i) => b.start + i)));
        expect(cidrUnionSize(blocks.map((b) => b.cidr))).toBe(addresses.size);
      }),
    );
  });

  it('accepts all private address space at once, overlaps counted once', () => {
    expect(() => parseSpec(cidrs(['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', '10.20.0.0/16']), 'a.yaml')).not.toThrow();
  });

  it("refuses consumers whose networks together open the NLB's filter to everything", () => {
    const text = variant((s) => {
      s.consumers[0].allowedCidrs = ['0.0.0.0/8', '10.0.0.0/8'];
      s.consumers.push({ ...s.consumers[0], name: 'pos', vpcId: 'vpc-0c1b2c3d4e5f60001', allowedCidrs: ['1.0.0.0/8', '2.0.0.0/8'] });
      s.consumers[1].subnets = { 'apse1-az1': 'subnet-0c1b2c3d4e5f60011', 'apse1-az2': 'subnet-0c1b2c3d4e5f60012', 'apse1-az3': 'subnet-0c1b2c3d4e5f60013' };
    });
    expect(problems(text)[0]).toMatch(
      /^provider\.enforceSecurityGroupInboundRulesOnPrivateLinkTraffic: 0\.0\.0\.0\/8 \(consumers\[0\]\.allowedCidrs\[0\]\), .* 2\.0\.0\.0\/8 \(consumers\[1\]\.allowedCidrs\[1\]\) together cover 67108864 addresses/,
    );
  });
});

describe('the private zone never hides AWS names or a whole top-level domain', () => {
  const zone = (name: string) => problems(variant((s) => (s.dns.zone = name)));

  it.each([
    ['amazonaws.com', "is AWS's domain amazonaws.com"],
    ['ap-southeast-1.amazonaws.com', "lies in AWS's domain amazonaws.com"],
    ['amazonaws.com.cn', "is AWS's domain amazonaws.com.cn"],
    ['api.aws', "is AWS's domain api.aws"],
    ['aws', "is AWS's domain aws"],
    ['ec2.internal', "is AWS's domain ec2.internal"],
    ['ap-southeast-1.compute.internal', "lies in AWS's domain compute.internal"],
    ['internal', "lies above AWS's domains ec2.internal, compute.internal"],
    ['com', "lies above AWS's domains amazonaws.com"],
    ['com.cn', "lies above AWS's domains amazonaws.com.cn"],
    ['gov', "lies above AWS's domains api.aws.hci.ic.gov, api.aws.ic.gov, c2s.ic.gov, csp.hci.ic.gov, sc2s.sgov.gov"],
    ['10.in-addr.arpa', 'lies in arpa, a special-use domain'],
    ['localhost', 'lies in localhost, a special-use domain'],
    ['org', 'is the top-level domain .org'],
    ['io', 'is the top-level domain .io'],
    ['dev', 'is the top-level domain .dev'],
  ])('refuses %s', (name, reason) => {
    expect(zone(name)).toEqual([expect.stringContaining(`dns.zone: ${reason}`)]);
  });

  it.each(['grab', 'kafka.internal', 'coban.example.com', 'kafka.corp'])('accepts %s', (name) => {
    expect(() => parseSpec(variant((s) => (s.dns.zone = name)), 'zone.yaml')).not.toThrow();
  });
});

describe('Regions exist', () => {
  it('refuses a Region typo in any field, naming the closest Region', () => {
    const text = variant((s) => {
      s.provider.region = 'ap-southeest-1';
      s.consumers.push({ ...s.consumers[0], name: 'pos', vpcId: 'vpc-0c1b2c3d4e5f60001', region: 'eu-wset-1', subnets: { 'euw1-az1': 'subnet-0c1b2c3d4e5f60011' } });
      s.backend = { type: 's3', bucket: 'coban-state', region: 'us-east-7' };
    });
    const known = `known are ${AWS_REGIONS.length} Regions of the AWS SDKs' partitions file; a Region newer than that list goes in additionalRegions`;
    expect(problems(text)).toEqual([
      `provider.region: "ap-southeest-1" is not an AWS Region: did you mean ap-southeast-1? ${known}`,
      `consumers[1].region: "eu-wset-1" is not an AWS Region: did you mean eu-west-1? ${known}`,
      `backend.region: "us-east-7" is not an AWS Region: did you mean us-east-1? ${known}`,
    ]);
  });

  it('accepts a Region newer than the list when additionalRegions names it, and warns once the list knows it', () => {
    const text = variant((s) => {
      s.additionalRegions = ['ap-newregion-1', 'ap-southeast-1'];
      s.consumers[0].region = 'ap-newregion-1';
      s.consumers[0].subnets = { 'apnr1-az1': 'subnet-0b1b2c3d4e5f60011' };
    });
    const spec = parseSpec(text, 'new.yaml');
    expect(spec.consumers[0].region).toBe('ap-newregion-1');
    expect(specWarnings(spec).filter((w) => w.path[0] === 'additionalRegions')).toEqual([
      { path: ['additionalRegions', 1], message: 'ap-southeast-1 is a Region the product knows; remove it from additionalRegions' },
    ]);
  });

  it('knows the Regions of every partition', () => {
    expect(AWS_REGIONS).toEqual(expect.arrayContaining(['ap-southeast-1', 'cn-north-1', 'us-gov-west-1', 'us-isob-east-1', 'eusc-de-east-1', 'mx-central-1']));
    expect(AWS_REGIONS).not.toContain('aws-global');
  });
});

describe('a cross-region consumer needs cross-zone load balancing', () => {
  it('refuses crossZoneLoadBalancing false with a consumer in another Region, saying what to set', () => {
    const text = variant((s) => {
      s.provider.crossZoneLoadBalancing = false;
      s.consumers[0].region = 'eu-west-1';
      s.consumers[0].subnets = { 'euw1-az1': 'subnet-0b1b2c3d4e5f60011' };
    });
    expect(problems(text)).toEqual([
      'provider.crossZoneLoadBalancing: false, but consumer kios (consumers[0].region eu-west-1) reaches the NLB from another Region than provider.region ap-southeast-1: ' +
        "a cross-region endpoint cannot keep a connection in the broker's AZ, and each broker's listener has its one target in one AZ; set crossZoneLoadBalancing: true",
    ]);
  });

  it('accepts crossZoneLoadBalancing false when every consumer is in the provider Region', () => {
    expect(() => parseSpec(variant((s) => (s.provider.crossZoneLoadBalancing = false)), 'a.yaml')).not.toThrow();
  });
});
