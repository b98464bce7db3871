import { NLB_SETTING_KEYS, NlbSettings, NlbSettingsInput, nlbSettingsSchema } from './schema';

/** One NLB setting a construct cannot build from: the prop as the caller wrote it and what is wrong. */
export interface NlbSettingProblem {
  /** e.g. `healthCheck.intervalSeconds` */
  readonly prop: string;
  /** e.g. `must be a whole number between 5 and 300 (NLB health check interval), got 1` */
  readonly problem: string;
}

type Tree = { [key: string]: unknown };
const isTree = (value: unknown): value is Tree => value !== null && typeof value === 'object' && !Array.isArray(value);

/** Splits `value` into what `isLiteral` holds known now and the rest (tokens), keeping the nesting. */
function split(value: Tree, isLiteral: (v: unknown) => boolean): [Tree, Tree] {
  const known: Tree = {};
  const later: Tree = {};
  for (const [key, v] of Object.entries(value)) {
    if (v === undefined) continue;
    if (isTree(v) && isLiteral(v)) {
      [known[key], later[key]] = split(v, isLiteral);
    } else if (isLiteral(v)) known[key] = v;
    else later[key] = v;
  }
  return [known, later];
}

function merge(into: Tree, from: Tree): Tree {
  const out: Tree = { ...into };
  for (const [key, v] of Object.entries(from)) out[key] = isTree(v) && isTree(out[key]) ? merge(out[key] as Tree, v) : v;
  return out;
}

const valueAt = (tree: Tree, path: readonly PropertyKey[]): unknown =>
  path.reduce<unknown>((node, key) => (isTree(node) ? node[key as string] : undefined), tree);

/**
 * The NLB settings of a construct's props, checked by the spec's own schema and completed with the
 * spec's own defaults, so the construct and the spec cannot drift apart. Each problem goes to
 * `report`; the construct then refuses its props, and the defaults returned meanwhile are never
 * built from. Values `isLiteral` does not hold known (tokens, resolved at apply time) pass unchecked.
 */
export function resolveNlbSettings(
  props: NlbSettingsInput,
  isLiteral: (value: unknown) => boolean,
  report: (problem: NlbSettingProblem) => void,
): NlbSettings {
  const given: Tree = Object.fromEntries(NLB_SETTING_KEYS.map((key) => [key, props[key]]));
  const [known, later] = split(given, isLiteral);
  const parsed = nlbSettingsSchema.safeParse(known);
  if (parsed.success) return merge(parsed.data, later) as NlbSettings;
  for (const issue of parsed.error.issues) {
    const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
    report({ prop: path.join('.'), problem: `${issue.message}, got ${JSON.stringify(valueAt(known, path))}` });
  }
  return nlbSettingsSchema.parse({});
}

/** The NLB settings of `from` (a spec's provider, a plan's), one leaving a setting out leaving it out. */
export function pickNlbSettings(from: NlbSettings): NlbSettings {
  return Object.fromEntries(NLB_SETTING_KEYS.filter((key) => from[key] !== undefined).map((key) => [key, from[key]])) as NlbSettings;
}
