import { TerraformStack, Token } from 'cdktf';
import { Construct } from 'constructs';
import { KafkaPrivateLinkError } from '@kafka-privatelink/cluster-spec';

/** A construct was given props it cannot build from; the message names the prop and the value. */
export class ConstructPropsError extends KafkaPrivateLinkError {}

/**
 * A kind of name that AWS holds once in some scope. Two resources of one stack with the same
 * name fail at apply, or worse share one AWS object (CreateLoadBalancer and CreateTargetGroup
 * return the existing one for the same settings), which the first destroy then takes from both.
 */
export interface UniqueName {
  /** e.g. `target group name`. */
  readonly kind: string;
  /**
   * The scope AWS keeps these names unique in, as a key: a VPC id, a hosted zone id. Every
   * resource of our constructs uses the stack's default AWS provider: one account and Region.
   * @default - the account and Region
   */
  readonly within?: string;
  /** AWS's rule, and what to do instead, e.g. `AWS holds one per account and Region`. */
  readonly rule: string;
}

interface NameHolder {
  readonly path: string;
  readonly prop: string;
}

/** Per stack: every unique name its constructs claimed, with the construct and prop that gave it. */
const claimed = new WeakMap<TerraformStack, Map<string, NameHolder>>();

/**
 * Collects the problems of a construct's props and throws them together, each naming the prop as
 * the caller wrote it, the value received and what is allowed. Values that are tokens are known
 * only at apply time and are not checked, except for sameness: one token is one value.
 */
export class PropsCheck {
  private readonly problems: string[] = [];
  private readonly claims: [Map<string, NameHolder>, string, NameHolder][] = [];

  constructor(private readonly construct: string) {}

  /** Records `problem` about `prop` when `ok` is false. */
  expect(ok: boolean, prop: string, problem: string): void {
    if (!ok) this.problems.push(`${prop} ${problem}`);
  }

  /** An integer between `min` and `max`, both included. */
  integer(value: number | undefined, prop: string, min: number, max: number): void {
    if (value === undefined || Token.isUnresolved(value)) return;
    this.expect(Number.isInteger(value) && value >= min && value <= max, prop, `must be an integer between ${min} and ${max}, got ${value}`);
  }

  /** A name of at most `max` characters. */
  name(value: string, prop: string, max: number): void {
    if (Token.isUnresolved(value)) return;
    this.expect(value.length > 0 && value.length <= max, prop, `must have 1 to ${max} characters (AWS's limit), got "${value}" (${value.length})`);
  }

  /** The prefix of a construct's Terraform addresses (see `setAddress`): Terraform names start with a letter. */
  addressPrefix(value: string | undefined): void {
    if (value === undefined) return;
    this.expect(
      /^[a-z][a-z0-9_]*$/.test(value),
      'addressPrefix',
      `must be a lowercase letter followed by lowercase letters, digits or underscores (it begins Terraform names), got "${value}"`,
    );
  }

  /** A list without repeats: each entry keys a resource of its own. */
  distinct(values: readonly string[], prop: string): void {
    const first = new Map<string, number>();
    values.forEach((value, i) => {
      const at = first.get(value);
      this.expect(at === undefined, `${prop}[${i}]`, `must differ from every other entry, got ${value}, already at ${prop}[${at}]`);
      first.set(value, at ?? i);
    });
  }

  /**
   * A name of `kind` that no other prop of this construct and no other construct of `scope`'s
   * stack gives: the claim holds from `done()` on, and only if the props had no problem.
   */
  unique(scope: Construct, kind: UniqueName, value: string, prop: string): void {
    const stack = TerraformStack.of(scope);
    const names = claimed.get(stack) ?? new Map<string, NameHolder>();
    claimed.set(stack, names);
    const key = `${kind.kind}\u0000${kind.within ?? ''}\u0000${value}`;
    const path = scope.node.path;
    const holder = names.get(key) ?? this.claims.find(([m, k]) => m === names && k === key)?.[2];
    if (holder === undefined) {
      this.claims.push([names, key, { path, prop }]);
      return;
    }
    const mine = holder.path === path;
    this.expect(
      false,
      mine ? prop : `${prop} of ${path}`,
      `must differ from every ${kind.kind} in its stack, got "${value}", already used by ${mine ? holder.prop : `${holder.path} (${holder.prop})`}: ${kind.rule}`,
    );
  }

  /** Throws every recorded problem at once; without any, the names claimed with `unique` are taken. */
  done(): void {
    if (this.problems.length > 0) throw new ConstructPropsError(`${this.construct}: ${this.problems.join('; ')}`);
    for (const [names, key, holder] of this.claims) names.set(key, holder);
  }
}
