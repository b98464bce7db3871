import { isMap, isSeq, parseDocument, YAMLMap } from 'yaml';

/**
 * The edits a team makes to a cluster spec over the cluster's life, as text in, text out: the
 * rest of the file (comments, order) stays as the team wrote it.
 */

/** Broker ids the model draws from: the hundreds digit is the AZ, as in the example. */
export const BROKER_POOL = [101, 201, 301, 102, 202, 302, 103, 203, 303, 104, 204, 304];

/** Consumer VPCs the model draws from; `kios` is the example's. */
export const CONSUMER_POOL = ['kios', 'ads', 'pay'];

const azOf = (id: number) => Math.floor(id / 100);

/** A broker's instance: a replaced broker (same id, new instance) gets the next generation. */
export function brokerEntry(id: number, generation: number) {
  const az = azOf(id);
  return {
    id,
    azId: `apse1-az${az}`,
    instanceId: `i-${(id * 100 + generation).toString(16).padStart(17, '0')}`,
    privateIp: `10.0.${az}.${(id % 100) * 10 + (generation % 10) + 1}`,
  };
}

function consumerEntry(name: string) {
  const n = CONSUMER_POOL.indexOf(name) + 2;
  return {
    name,
    account: String(n).repeat(12),
    region: 'ap-southeast-1',
    vpcId: `vpc-0b1b2c3d4e5f6000${n}`,
    subnets: Object.fromEntries([1, 2, 3].map((az) => [`apse1-az${az}`, `subnet-0b1b2c3d4e5f60${n}0${az}`])),
    allowedCidrs: [`10.${20 + n}.0.0/16`],
  };
}

function edit(text: string, change: (brokers: YAMLMap[], consumers: YAMLMap[], doc: ReturnType<typeof parseDocument>) => void): string {
  const doc = parseDocument(text);
  const brokers = doc.get('brokers');
  const consumers = doc.get('consumers');
  if (!isSeq(brokers) || !isSeq(consumers)) throw new Error('the spec has no brokers or consumers list');
  change(brokers.items as YAMLMap[], consumers.items as YAMLMap[], doc);
  return doc.toString();
}

export function addBroker(text: string, id: number, generation = 0): string {
  return edit(text, (_b, _c, doc) => doc.addIn(['brokers'], doc.createNode(brokerEntry(id, generation))));
}

export function removeBroker(text: string, id: number): string {
  return edit(text, (brokers, _c, doc) => {
    const index = brokers.findIndex((b) => b.get('id') === id);
    doc.deleteIn(['brokers', index]);
  });
}

export function replaceBroker(text: string, id: number, generation: number): string {
  return edit(text, (brokers) => {
    const broker = brokers.find((b) => b.get('id') === id)!;
    const entry = brokerEntry(id, generation);
    broker.set('instanceId', entry.instanceId);
    broker.set('privateIp', entry.privateIp);
  });
}

export function addConsumer(text: string, name: string): string {
  return edit(text, (_b, _c, doc) => doc.addIn(['consumers'], doc.createNode(consumerEntry(name))));
}

export function removeConsumer(text: string, name: string): string {
  return edit(text, (_b, consumers, doc) => {
    doc.deleteIn(['consumers', consumers.findIndex((c) => c.get('name') === name)]);
  });
}

export function renameCluster(text: string, name: string): string {
  return text.replace(/^cluster: .*$/m, `cluster: ${name}`);
}

/** What the spec says now: its brokers (id → instance id) and consumers. */
export function readSpec(text: string): { brokers: Map<number, string>; consumers: Set<string> } {
  const doc = parseDocument(text);
  const brokers = new Map<number, string>();
  const consumers = new Set<string>();
  for (const b of (doc.get('brokers') as { items: YAMLMap[] }).items) {
    brokers.set(b.get('id') as number, b.get('instanceId') as string);
  }
  for (const c of (doc.get('consumers') as { items: unknown[] }).items) if (isMap(c)) consumers.add(c.get('name') as string);
  return { brokers, consumers };
}
