import { mustRun } from './shell';
import { Supervisor } from './supervisor';
import { Topology } from './topology';

/** The namespaces of one twin: hosts of the provider VPC, the NLB, and clients of the consumer VPCs. */
export interface Network {
  /** Broker host name → namespace. */
  readonly brokers: ReadonlyMap<string, string>;
  readonly nlb: string;
  /** A client host inside the provider VPC, beside the brokers. */
  readonly providerClient: string;
  /** `<consumer>/<AZ ID>` → namespace of that client. */
  readonly clients: ReadonlyMap<string, string>;
}

export const clientKey = (consumer: string, azId: string): string => `${consumer}/${azId}`;

const ip = (...args: string[]): Promise<string> => mustRun('ip', args);

/** A MAC address no interface of the twin has: frames to it vanish, as packets to a dead ENI do. */
export const NOWHERE_MAC = '02:00:00:00:00:01';

/**
 * Makes packets from namespace `ns` to `address` (a neighbour on `dev`) vanish without an error,
 * by pointing its neighbour entry to `NOWHERE_MAC`; or, with `silent` false, lets them flow again.
 */
export async function silence(ns: string, dev: string, address: string, silent: boolean): Promise<void> {
  await (silent ? ip('-n', ns, 'neigh', 'replace', address, 'lladdr', NOWHERE_MAC, 'dev', dev, 'nud', 'permanent') : ip('-n', ns, 'neigh', 'del', address, 'dev', dev));
}

/**
 * Builds the networks from namespaces and veth pairs: a switch namespace holds two bridges, the
 * provider VPC (brokers and the NLB) and the consumer VPCs (clients and the endpoint ENIs). Only
 * the NLB namespace is on both, and it does not route between them: a client reaches a broker
 * through an ENI address and HAProxy, or not at all. Nothing is added to the host's own namespace.
 */
export async function createNetwork(topology: Topology, supervisor: Supervisor): Promise<Network> {
  const sw = supervisor.addNamespace('switch');
  for (const bridge of ['provider', 'consumer']) {
    await ip('-n', sw, 'link', 'add', bridge, 'type', 'bridge');
    await ip('-n', sw, 'link', 'set', bridge, 'up');
  }
  let port = 0;
  const attach = async (ns: string, bridge: 'provider' | 'consumer', ifname: string): Promise<void> => {
    const outside = `p${port++}`;
    await ip('-n', sw, 'link', 'add', outside, 'type', 'veth', 'peer', 'name', ifname, 'netns', ns);
    await ip('-n', sw, 'link', 'set', outside, 'master', bridge, 'up');
    await ip('-n', ns, 'link', 'set', ifname, 'up');
  };
  const host = async (suffix: string, bridge: 'provider' | 'consumer', address: string): Promise<string> => {
    const ns = supervisor.addNamespace(suffix);
    await ip('-n', ns, 'link', 'set', 'lo', 'up');
    await attach(ns, bridge, 'eth0');
    await ip('-n', ns, 'address', 'add', `${address}/32`, 'dev', 'eth0');
    await ip('-n', ns, 'route', 'add', 'default', 'dev', 'eth0');
    return ns;
  };

  const brokers = new Map<string, string>();
  for (const b of topology.brokers) brokers.set(b.host, await host(b.host, 'provider', b.privateIp));
  const providerClient = await host('provider-client', 'provider', topology.providerClientAddress);
  const clients = new Map<string, string>();
  for (const c of topology.clients) clients.set(clientKey(c.consumer, c.azId), await host(`${c.consumer}-${c.azId}`, 'consumer', c.address));

  const nlb = supervisor.addNamespace('nlb');
  await ip('-n', nlb, 'link', 'set', 'lo', 'up');
  await attach(nlb, 'provider', 'provider');
  await attach(nlb, 'consumer', 'consumer');
  await ip('-n', nlb, 'address', 'add', `${topology.nlbAddress}/32`, 'dev', 'provider');
  for (const b of topology.brokers) await ip('-n', nlb, 'route', 'add', `${b.privateIp}/32`, 'dev', 'provider');
  for (const e of topology.enis) await ip('-n', nlb, 'address', 'add', `${e.address}/32`, 'dev', 'consumer');
  for (const c of topology.clients) await ip('-n', nlb, 'route', 'add', `${c.address}/32`, 'dev', 'consumer');
  return { brokers, nlb, providerClient, clients };
}
