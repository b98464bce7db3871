import { Construct } from 'constructs';
import { VpcEndpointConnectionAccepter } from '@cdktf/provider-aws/lib/vpc-endpoint-connection-accepter';
import { ownAddresses, PropsCheck, setAddress, terraformKey } from '@kafka-privatelink/plumbing';

/** One interface endpoint's connection to one endpoint service. */
export interface KafkaEndpointConnection {
  /**
   * A stable key, unique in the construct and starting with a letter, e.g. `kios-s0`: it names
   * the accepter's Terraform address (`kios_s0`).
   */
  readonly key: string;
  readonly endpointServiceId: string;
  readonly endpointId: string;
}

export interface KafkaPrivateLinkAcceptanceProps {
  /** The connections to accept; any other endpoint's connection stays pending. */
  readonly connections: readonly KafkaEndpointConnection[];
  /**
   * What every Terraform address of this construct begins with (`orders` gives
   * `aws_vpc_endpoint_connection_accepter.orders_kios_s0`), so that the acceptances of several
   * clusters can share a stack: a lowercase letter, then lowercase letters, digits or underscores.
   * The addresses come from it and the connections' keys only, never from the construct's id or
   * its place in the tree.
   * @default - none (`kios_s0`): the addresses of an acceptance alone in its stack, as earlier
   * versions wrote them, so upgrading moves nothing. A second one in the stack needs a prefix of
   * its own; the first keeps none. A construct whose addresses meet another's is refused, naming both.
   */
  readonly addressPrefix?: string;
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
    check.addressPrefix(props.addressPrefix);
    const seen = new Set<string>();
    props.connections.forEach((c, i) => {
      const key = terraformKey(c.key);
      check.expect(/^[a-z_]/.test(key), `connections[${i}].key`, `must start with a letter (it names a Terraform address), got "${c.key}"`);
      check.expect(!seen.has(key), `connections[${i}].key`, `must be unique as a Terraform key, got "${c.key}", which another connection's key also gives`);
      seen.add(key);
    });
    check.done();
    ownAddresses(this, 'KafkaPrivateLinkAcceptance', props.addressPrefix);
    const accepters = new Map<string, VpcEndpointConnectionAccepter>();
    for (const c of props.connections) {
      const accepter = new VpcEndpointConnectionAccepter(this, c.key, { vpcEndpointServiceId: c.endpointServiceId, vpcEndpointId: c.endpointId });
      accepters.set(c.key, setAddress(accepter, terraformKey(c.key)));
    }
    this.accepters = accepters;
  }
}
