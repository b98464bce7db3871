export const LOCKFILE_VERSION = 1;

/** How NLB ports are handed out. */
export interface PortPolicy {
  /** The bootstrap listener's port, the same on every shard's NLB. */
  readonly bootstrapPort: number;
  /** The first port handed to a broker listener. */
  readonly firstBrokerPort: number;
  /** The last port that may be handed to a broker listener (inclusive). */
  readonly lastBrokerPort: number;
  /** Broker listeners per NLB, at most MAX_BROKERS_PER_NLB of the AWS limits. */
  readonly brokersPerShard: number;
  /** How many NLBs (shards) the cluster may spread over; 1 means sharding is off. */
  readonly maxShards: number;
}

/** The spec field each policy setting comes from: messages name what the user can change. */
export const POLICY_FIELDS: Readonly<Record<keyof PortPolicy, string>> = {
  bootstrapPort: 'ports.bootstrap',
  firstBrokerPort: 'ports.firstBroker',
  lastBrokerPort: 'ports.lastBroker',
  brokersPerShard: 'ports.brokersPerShard',
  maxShards: 'ports.maxShards',
};

/** A broker that needs an NLB port. */
export interface BrokerRequest {
  /** Kafka broker id. */
  readonly id: number;
  /** Name of the Kafka listener the port fronts (the PrivateLink client listener). */
  readonly listener: string;
}

export interface BrokerAllocation {
  readonly port: number;
  readonly shard: number;
  readonly listener: string;
}

/** A port that belonged to a removed broker: never handed to another broker. */
export interface RetiredPort {
  readonly port: number;
  readonly broker: number;
  readonly shard: number;
  readonly listener: string;
}

export interface PortLock {
  /**
   * The cluster whose ports these are, so that a lockfile is never used for, or lost by, the
   * wrong spec. @default - not recorded (lockfiles written before it was)
   */
  readonly cluster?: string;
  /** Active brokers by broker id. */
  readonly brokers: ReadonlyMap<number, BrokerAllocation>;
  /** Retired ports, sorted by port. */
  readonly retired: readonly RetiredPort[];
}

/**
 * A broker's port as an earlier version of the cluster's lockfile held it (git history), active or
 * retired there. History outlives the lockfile: a revert, a lost or a moved lockfile take entries out
 * of the file, never out of history.
 */
export type HistoricalPort = RetiredPort;

export type AllocationChange =
  | { readonly kind: 'allocated'; readonly broker: number; readonly port: number; readonly shard: number }
  | {
      readonly kind: 'reclaimed' | 'retired';
      readonly broker: number;
      readonly port: number;
      readonly shard: number;
      /** The port comes from the lockfile's history, not from the lockfile. @default false */
      readonly fromHistory?: boolean;
    }
  | {
      readonly kind: 'listener-renamed';
      readonly broker: number;
      readonly port: number;
      readonly from: string;
      readonly to: string;
    };

export interface AllocationResult {
  readonly lock: PortLock;
  /** What changed against the previous lock, in broker-id order; empty when nothing did. */
  readonly changes: readonly AllocationChange[];
}

export const EMPTY_LOCK: PortLock = { brokers: new Map(), retired: [] };
