import { Construct } from 'constructs';
import { VpcEndpointConnectionAccepter } from '@cdktf/provider-aws/lib/vpc-endpoint-connection-accepter';
import { PropsCheck, terraformKey } from '@kafka-privatelink/plumbing';

/** One interface endpoint's connection to one endpoint service. */
export interface KafkaEndpointConnection {
  /** A stable key, unique in the construct, e.g. `kios-s0`: it names the accepter's Terraform address (`kios_s0`). */
  readonly key: string;
  readonly endpointServiceId: string;
  readonly endpointId: string;
}

export interface KafkaPrivateLinkAcceptanceProps {
  /** The connections to accept; any other endpoint's connection stays pending. */
  readonly connections: readonly KafkaEndpointConnection[];
}

/**
 * Accepts exactly the given endpoint connections, in the endpoint services' account. It creates
 * no AWS provider and no backend: the stack it is placed in has them. The endpoint ids exist only
 * once the consumers' endpoints are deployed, so its stack deploys after theirs.
 */
export class KafkaPrivateLinkAcceptance extends Construct {
  /** The accepter of each connection, by its key. */
  readonly accepters: ReadonlyMap<string, VpcEndpointConnectionAccepter>;

  constructor(scope: Construct, id: string, props: KafkaPrivateLinkAcceptanceProps) {
    super(scope, id);
    const check = new PropsCheck(`KafkaPrivateLinkAcceptance ${id}`);
    const seen = new Set<string>();
    props.connections.forEach((c, i) => {
      check.expect(!seen.has(terraformKey(c.key)), `connections[${i}].key`, `must be unique as a Terraform key, got "${c.key}", which another connection's key also gives`);
      seen.add(terraformKey(c.key));
    });
    check.done();
    const accepters = new Map<string, VpcEndpointConnectionAccepter>();
    for (const c of props.connections) {
      const accepter = new VpcEndpointConnectionAccepter(this, c.key, { vpcEndpointServiceId: c.endpointServiceId, vpcEndpointId: c.endpointId });
      accepter.overrideLogicalId(terraformKey(c.key));
      accepters.set(c.key, accepter);
    }
    this.accepters = accepters;
  }
}
