import { DataResource, TerraformIterator } from 'cdktf';
import { Construct } from 'constructs';
import { PropsCheck, setAddress, shardKey } from '@kafka-privatelink/plumbing';

/** A port that a removed broker held. It has no listener, but no other broker may ever get it. */
export interface KafkaRetiredPort {
  readonly port: number;
  /** The broker that held it. */
  readonly broker: number;
}

/** What the guards read of the provider's props. */
export interface PortGuardsProps {
  readonly name: string;
  readonly shard?: number;
  readonly brokers: readonly { readonly id: number; readonly port: number }[];
  readonly retiredPorts?: readonly KafkaRetiredPort[];
}

/** The value both guards hold; its text is part of the state of every deployed cluster, so it never changes. */
const owner = (broker: number, port: number): string => `broker ${broker} port ${port}`;

/**
 * Makes `terraform plan` fail, before anything is applied, when a deployed broker would move to
 * another port or a port once used would go to another broker: what a lost or badly merged port
 * lockfile does, as synth then allocates every port afresh. Clients cache metadata that names
 * brokers by port, so either would send them to the wrong broker.
 *
 * Each guard is a `terraform_data` whose `triggers_replace` is `broker <id> port <port>`, with
 * `prevent_destroy`: a changed value plans a replacement, which Terraform refuses ("Instance
 * cannot be destroyed") and names the guard's address. A broker's guard is a resource of its own,
 * so removing the broker removes the block and Terraform destroys the guard plainly. The port
 * guards are one `for_each` resource over the active and retired ports: Terraform also refuses to
 * destroy an instance whose key left the map, and a used port never leaves the lockfile.
 */
export class PortGuards extends Construct {
  constructor(scope: Construct, id: string, props: PortGuardsProps) {
    super(scope, id);
    const retired = props.retiredPorts ?? [];
    validate(props, retired);

    for (const broker of props.brokers) {
      setAddress(
        new DataResource(this, `broker-${broker.id}`, {
          // Terraform takes any value here; cdktf's binding types it as a map.
          triggersReplace: owner(broker.id, broker.port) as unknown as Record<string, string>,
          lifecycle: { preventDestroy: true },
        }),
        `broker_${broker.id}`,
      );
    }

    const owners = [...props.brokers.map((b) => ({ port: b.port, broker: b.id })), ...retired].sort((a, b) => a.port - b.port);
    const ports = TerraformIterator.fromMap(Object.fromEntries(owners.map((o) => [String(o.port), owner(o.broker, o.port)])));
    setAddress(
      new DataResource(this, 'port-owners', {
        forEach: ports,
        triggersReplace: ports.value,
        lifecycle: { preventDestroy: true },
      }),
      `port_owners_${shardKey(props.shard ?? 0)}`,
    );
  }
}

function validate(props: PortGuardsProps, retired: readonly KafkaRetiredPort[]): void {
  const check = new PropsCheck(`KafkaPrivateLinkProvider ${props.name}`);
  const users = new Map<number, string>(props.brokers.map((b, i) => [b.port, `brokers[${i}].port`]));
  retired.forEach((r, i) => {
    const at = `retiredPorts[${i}]`;
    check.integer(r.port, `${at}.port`, 1, 65535);
    check.integer(r.broker, `${at}.broker`, 0, Number.MAX_SAFE_INTEGER);
    const user = users.get(r.port);
    check.expect(user === undefined, `${at}.port`, `must differ from every broker port and every other retired port, got ${r.port}, already used by ${user}`);
    users.set(r.port, `${at}.port`);
  });
  check.done();
}
