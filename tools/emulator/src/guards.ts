/**
 * What Terraform must refuse when a provider stack's port guards change: read from the stack's
 * JSON, so that the checks follow whatever the guards' addresses are.
 */

interface StackJson {
  readonly resource?: { readonly terraform_data?: Readonly<Record<string, { readonly for_each?: Readonly<Record<string, string>>; readonly triggers_replace?: unknown }>> };
}

interface Guard {
  readonly value: unknown;
  /** An instance of a `for_each` resource, which Terraform refuses to destroy when its key goes. */
  readonly keyed: boolean;
}

/** Every `terraform_data` instance of a stack, by address, with the value that replaces it when it changes. */
export function guardsOf(stack: StackJson): Map<string, Guard> {
  const guards = new Map<string, Guard>();
  for (const [name, block] of Object.entries(stack.resource?.terraform_data ?? {})) {
    if (block.for_each === undefined) guards.set(`terraform_data.${name}`, { value: block.triggers_replace, keyed: false });
    else for (const [key, value] of Object.entries(block.for_each)) guards.set(`terraform_data.${name}["${key}"]`, { value, keyed: true });
  }
  return guards;
}

/**
 * The guards a plan from `before` to `after` must refuse to destroy (with `prevent_destroy`): those
 * whose value changed, and `for_each` instances whose key went. A resource that went as a whole is
 * a plain destroy. Sorted.
 */
export function refusedGuards(before: StackJson, after: StackJson): string[] {
  const now = guardsOf(after);
  return [...guardsOf(before)]
    .filter(([address, guard]) => (now.has(address) ? JSON.stringify(now.get(address)!.value) !== JSON.stringify(guard.value) : guard.keyed))
    .map(([address]) => address)
    .sort();
}

/** The guards Terraform named in its refusals ("Resource … has lifecycle.prevent_destroy set"), sorted. */
export function guardsNamedIn(stderr: string): string[] {
  const text = stderr.replace(/\s+/g, ' ');
  return [...new Set([...text.matchAll(/Resource (\S+) has lifecycle\.prevent_destroy set/g)].map((m) => m[1]!))].sort();
}
