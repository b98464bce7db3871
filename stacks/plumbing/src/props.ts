import { Token } from 'cdktf';
import { KafkaPrivateLinkError } from '@kafka-privatelink/cluster-spec';

/** A construct was given props it cannot build from; the message names the prop and the value. */
export class ConstructPropsError extends KafkaPrivateLinkError {}

/**
 * Collects the problems of a construct's props and throws them together, each naming the prop as
 * the caller wrote it, the value received and what is allowed. Values that are tokens are known
 * only at apply time and are not checked.
 */
export class PropsCheck {
  private readonly problems: string[] = [];

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

  /** Throws every recorded problem at once. */
  done(): void {
    if (this.problems.length === 0) return;
    throw new ConstructPropsError(`${this.construct}: ${this.problems.join('; ')}`);
  }
}
