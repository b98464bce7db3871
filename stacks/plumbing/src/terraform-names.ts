import { TerraformDataSource, TerraformElement, TerraformLocal, TerraformOutput, TerraformRemoteState, TerraformResource, TerraformStack, TerraformVariable } from 'cdktf';
import { Construct, IConstruct } from 'constructs';
import { ConstructPropsError } from './props';

/*
 * Terraform addresses of every stack. They are set explicitly (not left to cdktf's path-based ids)
 * and built from stable keys only — consumer name, shard index, AZ ID, port, client network — so
 * adding a broker, a shard or a consumer never renames an existing resource, and a reviewer can
 * read `aws_route53_record.zonal_s0_apse1_az1` in a plan. Every fixed address goes through
 * `setAddress`, which puts the owning construct's prefix in front and refuses an address that
 * another element of the stack already has: cdktf would silently merge the two into one.
 */

/** A stable key turned into a Terraform identifier: `apse1-az1` → `apse1_az1`, `10.20.0.0/16` → `10_20_0_0_16`. */
export const terraformKey = (key: string): string => key.toLowerCase().replace(/[^a-z0-9_]/g, '_');

export const shardKey = (shard: number): string => `s${shard}`;

/** A construct whose elements' addresses carry its prefix. */
interface AddressOwner {
  /** The construct's kind, for messages: `KafkaPrivateLinkProvider`. */
  readonly kind: string;
  readonly path: string;
  readonly prefix: string | undefined;
}

const owners = new WeakMap<IConstruct, AddressOwner>();
/** Per stack: each address set through `setAddress`, with the path of the construct that holds it. */
const taken = new WeakMap<TerraformStack, Map<string, string>>();

/**
 * Makes `construct` the owner of the addresses that `setAddress` gives the elements below it:
 * each becomes `<prefix>_<key>`, or just `<key>` without a prefix.
 */
export function ownAddresses(construct: Construct, kind: string, prefix: string | undefined): void {
  owners.set(construct, { kind, path: construct.node.path, prefix });
}

/**
 * The address of an element in its stack's Terraform, e.g. `aws_lb.nlb_s0`,
 * `data.aws_subnet.apse1_az1`, `output.az_ids`.
 */
export function addressOf(element: TerraformElement): string {
  const name = element.friendlyUniqueId;
  if (TerraformResource.isTerraformResource(element)) return `${element.terraformResourceType}.${name}`;
  if (TerraformDataSource.isTerraformDataSource(element)) return `data.${element.terraformResourceType}.${name}`;
  if (element instanceof TerraformRemoteState) return `data.${TerraformRemoteState.tfResourceType}.${name}`;
  if (TerraformOutput.isTerraformOutput(element)) return `output.${name}`;
  if (element instanceof TerraformLocal) return `local.${name}`;
  if (element instanceof TerraformVariable) return `var.${name}`;
  throw new Error(`internal: ${element.node.path} has no Terraform address`);
}

/**
 * Fixes the address of `element` to `key` behind the prefix of the construct that owns it (the
 * nearest one above it that called `ownAddresses`; none: no prefix), and refuses the address when
 * another element of the stack already has it, naming both constructs. The one way to set an
 * address: a resource added to a construct later gets its prefix and the same check.
 */
export function setAddress<T extends TerraformElement>(element: T, key: string): T {
  const scopes = element.node.scopes;
  let owner: AddressOwner | undefined;
  for (let i = scopes.length - 2; i >= 0 && owner === undefined; i--) owner = owners.get(scopes[i]);
  element.overrideLogicalId(owner?.prefix === undefined ? key : `${owner.prefix}_${key}`);
  const address = addressOf(element);
  const stack = TerraformStack.of(element);
  const addresses = taken.get(stack) ?? new Map<string, string>();
  taken.set(stack, addresses);
  const path = owner?.path ?? element.node.path;
  const holder = addresses.get(address);
  if (holder !== undefined) {
    if (owner === undefined) throw new ConstructPropsError(`${path}: the Terraform address ${address} is already taken, by ${holder}`);
    throw new ConstructPropsError(
      holder === path
        ? `${owner.kind} ${path}: two of its elements would have the Terraform address ${address}; the keys they are built from must differ`
        : `${owner.kind} ${path}: the Terraform address ${address} is already taken, by ${holder}; constructs that share a stack need distinct addressPrefix props`,
    );
  }
  addresses.set(address, path);
  return element;
}

/**
 * A reference to an element's attribute by its address, e.g. `${aws_lb.nlb_s0.arn}`. The stacks
 * fix every address with `setAddress` (call it first), so a plain string does what a cdktf token
 * would, without creating a token, and capturing a stack trace, per reference.
 */
export const ref = (element: TerraformResource | TerraformDataSource, attribute: string): string => `\${${addressOf(element)}.${attribute}}`;

/**
 * A Terraform output whose name is exactly `name` (behind the prefix of the construct that owns
 * it, if any: see `setAddress`): stacks in other pipelines read it through remote state by that
 * name, so it must not carry cdktf's path-derived prefix. `id` is its construct id, which synth
 * records beside the name. @default id - the output name
 */
export function namedOutput(scope: Construct, name: string, value: unknown, description: string, id = name): TerraformOutput {
  return setAddress(new TerraformOutput(scope, id, { value, description }), name);
}
