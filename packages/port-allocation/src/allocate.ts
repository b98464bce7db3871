import { MAX_BROKERS_PER_NLB, MAX_LISTENERS_PER_NLB } from '@kafka-privatelink/cluster-spec';
import { PortAllocationError } from './errors';
import {
  AllocationChange,
  AllocationResult,
  BrokerAllocation,
  BrokerRequest,
  EMPTY_LOCK,
  HistoricalPort,
  PortLock,
  POLICY_FIELDS as F,
  PortPolicy,
  RetiredPort,
} from './types';

/** How many brokers the policy can place at all. */
export function capacityOf(policy: PortPolicy): number {
  return policy.brokersPerShard * policy.maxShards;
}

export function checkPolicy(policy: PortPolicy): void {
  const { bootstrapPort, firstBrokerPort, lastBrokerPort, brokersPerShard, maxShards } = policy;
  for (const [name, port] of Object.entries({ bootstrapPort, firstBrokerPort, lastBrokerPort })) {
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      throw new PortAllocationError(`${F[name as keyof PortPolicy]} must be an integer between 1 and 65535, got ${port}`);
    }
  }
  if (lastBrokerPort < firstBrokerPort) {
    throw new PortAllocationError(
      `${F.lastBrokerPort} (${lastBrokerPort}) must not be below ${F.firstBrokerPort} (${firstBrokerPort})`,
    );
  }
  if (bootstrapPort >= firstBrokerPort && bootstrapPort <= lastBrokerPort) {
    throw new PortAllocationError(
      `${F.bootstrapPort} ${bootstrapPort} lies inside the broker port range ${firstBrokerPort}-${lastBrokerPort}`,
    );
  }
  if (!Number.isInteger(brokersPerShard) || brokersPerShard < 1 || brokersPerShard > MAX_BROKERS_PER_NLB) {
    throw new PortAllocationError(
      `${F.brokersPerShard} must be an integer between 1 and ${MAX_BROKERS_PER_NLB}, got ${brokersPerShard}`,
    );
  }
  if (!Number.isInteger(maxShards) || maxShards < 1) {
    throw new PortAllocationError(`${F.maxShards} must be an integer of at least 1, got ${maxShards}`);
  }
}

function capacityMessage(count: number, policy: PortPolicy): string {
  const fit = capacityOf(policy);
  const needed = Math.ceil(count / policy.brokersPerShard);
  const perNlb =
    `one NLB holds at most ${policy.brokersPerShard} brokers` +
    (policy.brokersPerShard === MAX_BROKERS_PER_NLB ? ` (${MAX_LISTENERS_PER_NLB} listeners, one of them the bootstrap listener)` : '');
  if (policy.maxShards === 1) {
    return (
      `${count} brokers do not fit: sharding is off (${F.maxShards} 1) and ${perNlb}, so ${fit} brokers fit; ` +
      `remove ${count - fit} brokers or set ${F.maxShards} to ${needed} (each shard is its own NLB and endpoint service)`
    );
  }
  return (
    `${count} brokers do not fit: ${policy.maxShards} shards × ${policy.brokersPerShard} brokers = ${fit} brokers fit; ` +
    `remove ${count - fit} brokers or set ${F.maxShards} to ${needed}`
  );
}

/**
 * Computes the new lock from the brokers the spec names, the previous lock and the lock's history.
 *
 * Pure and deterministic. A broker already in the lock keeps its port and shard; a broker that
 * left the spec has its port retired (never handed to another broker); a broker that comes back
 * gets its own retired port again; a new broker gets the port after the highest port ever handed
 * out, on the lowest shard with room. New brokers are placed in broker-id order, so the spec's
 * list order never matters.
 *
 * `history` (newest first) holds the entries of earlier versions of the lock. A revert or a lost
 * lockfile drops entries from the lock, but clients may still hold those ports in cached metadata:
 * a broker the lock no longer knows keeps its newest historical port that no broker of the lock
 * holds (retired, or its own again when it is in the spec), and every historical port in the
 * range counts for "the highest port ever handed out".
 *
 * `elsewhere` (newest first) holds the entries of versions on other branches, not reachable from
 * the lock's own history: they only give a broker of the spec its port from there and raise the
 * highest port, so that a branch never hands out a port another branch already gave away, and a
 * later merge moves nobody. They never add a retired entry: the lock stays what its own history says.
 */
export function allocatePorts(
  brokers: readonly BrokerRequest[],
  policy: PortPolicy,
  previous: PortLock = EMPTY_LOCK,
  history: readonly HistoricalPort[] = [],
  elsewhere: readonly HistoricalPort[] = [],
): AllocationResult {
  checkPolicy(policy);
  const requested = new Map<number, BrokerRequest>();
  for (const broker of brokers) {
    if (requested.has(broker.id)) {
      throw new PortAllocationError(`broker id ${broker.id} is listed twice`);
    }
    requested.set(broker.id, broker);
  }
  if (requested.size > capacityOf(policy)) {
    throw new PortAllocationError(capacityMessage(requested.size, policy));
  }

  const changes: AllocationChange[] = [];
  const active = new Map<number, BrokerAllocation>();
  const retired = new Map<number, RetiredPort>(previous.retired.map((r) => [r.port, r]));
  const inRange = (port: number) => port >= policy.firstBrokerPort && port <= policy.lastBrokerPort;
  const held = new Set([...retired.keys(), ...[...previous.brokers.values()].map((a) => a.port)]);
  const known = new Set([...previous.brokers.keys(), ...previous.retired.map((r) => r.broker)]);
  const historical = new Map<number, HistoricalPort>();
  for (const entry of history) {
    if (known.has(entry.broker) || historical.has(entry.broker) || !inRange(entry.port) || held.has(entry.port)) continue;
    historical.set(entry.broker, entry);
    held.add(entry.port);
  }
  const onOtherBranches = new Map<number, HistoricalPort>();
  for (const entry of elsewhere) {
    const claimable = requested.has(entry.broker) && !known.has(entry.broker) && !historical.has(entry.broker);
    if (!claimable || onOtherBranches.has(entry.broker) || !inRange(entry.port) || held.has(entry.port)) continue;
    onOtherBranches.set(entry.broker, entry);
    held.add(entry.port);
  }
  let highestPort = policy.firstBrokerPort - 1;
  for (const port of [...held, ...[...history, ...elsewhere].map((h) => h.port).filter(inRange)]) {
    highestPort = Math.max(highestPort, port);
  }

  for (const [id, allocation] of previous.brokers) {
    const request = requested.get(id);
    if (request === undefined) {
      retired.set(allocation.port, { port: allocation.port, broker: id, shard: allocation.shard, listener: allocation.listener });
      changes.push({ kind: 'retired', broker: id, port: allocation.port, shard: allocation.shard });
    } else {
      if (request.listener !== allocation.listener) {
        changes.push({ kind: 'listener-renamed', broker: id, port: allocation.port, from: allocation.listener, to: request.listener });
      }
      active.set(id, { ...allocation, listener: request.listener });
    }
  }

  for (const [id, entry] of historical) {
    if (requested.has(id)) continue;
    retired.set(entry.port, entry);
    changes.push({ kind: 'retired', broker: id, port: entry.port, shard: entry.shard, fromHistory: true });
  }

  const shardLoad = new Array<number>(policy.maxShards).fill(0);
  for (const [id, allocation] of active) {
    if (allocation.shard >= policy.maxShards) {
      throw new PortAllocationError(
        `broker ${id} is locked on shard ${allocation.shard}, ` +
          `but ${F.maxShards} is ${policy.maxShards}: shards of a cluster can be added, never taken away while brokers use them`,
      );
    }
    shardLoad[allocation.shard] += 1;
  }
  const shardWithRoom = (preferred?: number): number => {
    if (preferred !== undefined && preferred < policy.maxShards && shardLoad[preferred] < policy.brokersPerShard) {
      return preferred;
    }
    const shard = shardLoad.findIndex((load) => load < policy.brokersPerShard);
    // Unreachable while the capacity check above holds; kept as a guard against a future edit.
    if (shard < 0) throw new PortAllocationError(capacityMessage(requested.size, policy));
    return shard;
  };

  const newcomers = [...requested.keys()].filter((id) => !active.has(id)).sort((a, b) => a - b);
  const retiredByBroker = new Map<number, RetiredPort>();
  for (const entry of [...retired.values()].sort((a, b) => a.port - b.port)) {
    if (!retiredByBroker.has(entry.broker)) retiredByBroker.set(entry.broker, entry);
  }
  for (const id of newcomers) {
    const listener = requested.get(id)!.listener;
    const own = retiredByBroker.get(id) ?? historical.get(id) ?? onOtherBranches.get(id);
    if (own !== undefined) {
      const fromHistory = !retired.delete(own.port);
      const shard = shardWithRoom(own.shard);
      shardLoad[shard] += 1;
      active.set(id, { port: own.port, shard, listener });
      changes.push({ kind: 'reclaimed', broker: id, port: own.port, shard, ...(fromHistory ? { fromHistory } : {}) });
      continue;
    }
    const port = highestPort + 1;
    if (port > policy.lastBrokerPort) {
      throw new PortAllocationError(
        `no port left for broker ${id}: ports ${policy.firstBrokerPort}-${policy.lastBrokerPort} are all handed out or retired; ` +
          `raise ${F.lastBrokerPort} (ports are never reused, so a retired port cannot be given to broker ${id})`,
      );
    }
    highestPort = port;
    const shard = shardWithRoom();
    shardLoad[shard] += 1;
    active.set(id, { port, shard, listener });
    changes.push({ kind: 'allocated', broker: id, port, shard });
  }

  const sortedActive = new Map([...active].sort(([a], [b]) => a - b));
  const sortedRetired = [...retired.values()].sort((a, b) => a.port - b.port);
  changes.sort((a, b) => a.broker - b.broker);
  return { lock: { brokers: sortedActive, retired: sortedRetired }, changes };
}

export function describeChange(change: AllocationChange): string {
  switch (change.kind) {
    case 'allocated':
      return `broker ${change.broker}: allocated port ${change.port} on shard ${change.shard}`;
    case 'reclaimed':
      return change.fromHistory
        ? `broker ${change.broker}: not in the lockfile, gets its port ${change.port} from the lockfile's git history (this branch's or another local branch's) again (shard ${change.shard})`
        : `broker ${change.broker}: back in the spec, gets its own retired port ${change.port} again (shard ${change.shard})`;
    case 'retired':
      return change.fromHistory
        ? `broker ${change.broker}: in neither the spec nor the lockfile, but held port ${change.port} in the lockfile's git history (a revert or a lost entry): port retired (never reused)`
        : `broker ${change.broker}: removed from the spec, port ${change.port} retired (never reused)`;
    case 'listener-renamed':
      return `broker ${change.broker}: port ${change.port} now fronts listener ${change.to} (was ${change.from})`;
  }
}
