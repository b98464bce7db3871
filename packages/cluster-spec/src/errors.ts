/**
 * The base of every error this product reports to its user: a bad spec, lockfile, setting or
 * construct prop, or a limit the exposure would exceed. Its message says what to change, so the
 * app prints it without a stack trace; anything else is a bug and keeps its trace.
 */
export class KafkaPrivateLinkError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}
