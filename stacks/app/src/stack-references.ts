import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KafkaPrivateLinkError } from '@kafka-privatelink/cluster-spec';

/**
 * fast-tokens.ts turns off cdktf's discovery of cross-stack references. A token of one stack used
 * in another then synthesizes into a `${aws_…}` that names nothing in its own stack, which only
 * Terraform notices, at plan time. This check reads what synth wrote and refuses such references.
 */
export class CrossStackReferenceError extends KafkaPrivateLinkError {
  constructor(readonly problems: readonly string[]) {
    super(
      `the synthesized stacks refer to what they do not define:\n${problems.map((p) => `  - ${p}`).join('\n')}\n` +
        'Stacks share values only through named outputs read by remote state; cdktf\'s automatic cross-stack ' +
        'references are off in this app (stacks/app/src/fast-tokens.ts).',
    );
  }
}

type Blocks = Readonly<Record<string, unknown>>;

/** A stack's Terraform JSON: the parts a reference can name, and outputs, which hold references. */
export interface StackJson {
  readonly resource?: Readonly<Record<string, Blocks>>;
  readonly data?: Readonly<Record<string, Blocks>>;
  readonly locals?: Blocks;
  readonly variable?: Blocks;
  readonly module?: Blocks;
  readonly output?: Blocks;
}

/** Names that an expression may use without a definition in the stack. */
const BUILT_IN_ROOTS = new Set(['self', 'each', 'count', 'path', 'terraform']);

/**
 * The code of every `${…}` interpolation of a string, with string literals inside it blanked out
 * but their own interpolations kept. `$${` is Terraform's escape for a literal `${`.
 */
function interpolations(text: string): string[] {
  const found: string[] = [];
  for (let i = text.indexOf('${'); i !== -1; i = text.indexOf('${', i + 1)) {
    if (i > 0 && text[i - 1] === '$') continue;
    const modes: ('code' | 'string')[] = ['code'];
    let code = '';
    let j = i + 2;
    for (; j < text.length && modes.length > 0; j++) {
      const c = text[j];
      if (modes[modes.length - 1] === 'string') {
        if (c === '\\') j++;
        else if (c === '"') modes.pop();
        else if (c === '$' && text[j + 1] === '{') {
          modes.push('code');
          j++;
        }
        code += ' ';
      } else if (c === '"') {
        modes.push('string');
        code += ' ';
      } else if (c === '{') {
        modes.push('code');
        code += c;
      } else if (c === '}') {
        modes.pop();
        code += modes.length > 0 ? c : '';
      } else code += c;
    }
    found.push(code);
    i = j - 1;
  }
  return found;
}

function* stringsOf(value: unknown): Generator<string> {
  if (typeof value === 'string') yield value;
  else if (Array.isArray(value)) for (const v of value) yield* stringsOf(v);
  else if (value !== null && typeof value === 'object') for (const v of Object.values(value)) yield* stringsOf(v);
}

const REFERENCE = /(?<![\w.$-])([A-Za-z_][\w-]*)\.([A-Za-z_][\w-]*)(?:\.([A-Za-z_][\w-]*))?/g;
const FOR_VARIABLES = /\bfor\s+([A-Za-z_]\w*)(?:\s*,\s*([A-Za-z_]\w*))?\s+in\b/g;

/** `aws_lb.nlb_s0`, `data.aws_subnet.az1`, `local.x`: what a reference names, or undefined if nothing. */
function referencedAddress(root: string, first: string, second: string | undefined): string | undefined {
  if (root === 'data') return second === undefined ? undefined : `data.${first}.${second}`;
  return `${root}.${first}`;
}

function defines(stack: StackJson, address: string): boolean {
  const [root, first, second] = address.split('.');
  switch (root) {
    case 'data':
      return stack.data?.[first]?.[second] !== undefined;
    case 'local':
      return stack.locals?.[first] !== undefined;
    case 'var':
      return stack.variable?.[first] !== undefined;
    case 'module':
      return stack.module?.[first] !== undefined;
    default:
      return stack.resource?.[root]?.[first] !== undefined;
  }
}

/** Every reference of each stack to something that stack does not define, naming where it is defined. */
export function danglingReferences(stacks: Readonly<Record<string, StackJson>>): string[] {
  const problems: string[] = [];
  for (const [name, stack] of Object.entries(stacks)) {
    const seen = new Set<string>();
    for (const text of stringsOf(stack)) {
      if (!text.includes('${')) continue;
      for (const code of interpolations(text)) {
        const bound = new Set([...code.matchAll(FOR_VARIABLES)].flatMap((m) => [m[1], m[2]]).filter(Boolean));
        for (const [, root, first, second] of code.matchAll(REFERENCE)) {
          if (BUILT_IN_ROOTS.has(root) || bound.has(root)) continue;
          const address = referencedAddress(root, first, second);
          if (address === undefined || seen.has(address) || defines(stack, address)) continue;
          seen.add(address);
          const owners = Object.keys(stacks).filter((other) => other !== name && defines(stacks[other], address));
          problems.push(
            owners.length > 0
              ? `stack ${name} refers to ${address}, which is defined in stack ${owners.join(', ')}, not in ${name}`
              : `stack ${name} refers to ${address}, which no stack defines`,
          );
        }
      }
    }
  }
  return problems;
}

/** Reads the stacks a synth wrote (its manifest.json) and throws if any refers outside itself. */
export function checkStackReferences(outdir: string): void {
  const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8')) as {
    stacks: Record<string, { synthesizedStackPath: string }>;
  };
  const stacks = Object.fromEntries(
    Object.entries(manifest.stacks).map(([name, s]) => [name, JSON.parse(readFileSync(join(outdir, s.synthesizedStackPath), 'utf8')) as StackJson]),
  );
  const problems = danglingReferences(stacks);
  if (problems.length > 0) throw new CrossStackReferenceError(problems);
}
