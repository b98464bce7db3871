import { readFileSync } from 'node:fs';
import { isMap, isNode, LineCounter, parseDocument, type Document } from 'yaml';
import { z } from 'zod';
import { Spec, specSchema } from './schema';
import { fileProblem, SPEC_SETTING } from './locate';
import { crossFieldIssues, formatSpecPath, SpecPath, SpecSections } from './validate';
import { KafkaPrivateLinkError } from './errors';
import { closest } from './closest';

export interface LocatedIssue {
  /** e.g. `brokers[2].azId` */
  readonly field: string;
  readonly message: string;
  /** `line:column` in the file, when the field is present there. */
  readonly location?: string;
}

/** A spec file that cannot be used. Carries every problem of the file, not just the first. */
export class SpecError extends KafkaPrivateLinkError {
  constructor(
    readonly source: string,
    readonly issues: readonly LocatedIssue[],
  ) {
    super(
      `${source}: ${issues.length} problem${issues.length === 1 ? '' : 's'} in the cluster spec:\n` +
        issues.map((i) => `  - ${i.location ? `${source}:${i.location} ` : ''}${i.field}: ${i.message}`).join('\n'),
    );
  }
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** The schema inside optional, default and similar wrappers. */
function unwrap(s: unknown): unknown {
  let node = s as { _zod?: { def: Record<string, unknown> } };
  for (;;) {
    const def = node?._zod?.def;
    if (def && ['optional', 'default', 'prefault', 'nullable', 'pipe'].includes(def.type as string)) {
      node = (def.innerType ?? def.in) as typeof node;
    } else return node;
  }
}

/**
 * The valid part of a section that failed the schema: each valid field of an object or entry of a
 * record, and of a list each element's valid part (`undefined` for an element that is not even an
 * object, so indexes stay those of the file).
 */
function salvage(schema: z.ZodType, raw: unknown): unknown {
  const whole = schema.safeParse(raw);
  if (whole.success) return whole.data;
  const def = (unwrap(schema) as { _zod?: { def: Record<string, unknown> } })?._zod?.def;
  if (def?.type === 'object' && raw !== null && typeof raw === 'object' && !Array.isArray(raw)) {
    const out: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(def.shape as Record<string, z.ZodType>)) {
      const parsed = field.safeParse((raw as Record<string, unknown>)[key]);
      if (parsed.success && parsed.data !== undefined) out[key] = parsed.data;
    }
    return out;
  }
  if (def?.type === 'record' && raw !== null && typeof raw === 'object' && !Array.isArray(raw)) {
    const valid = Object.entries(raw).filter(
      ([key, value]) => (def.keyType as z.ZodType).safeParse(key).success && (def.valueType as z.ZodType).safeParse(value).success,
    );
    return Object.fromEntries(valid);
  }
  if (def?.type === 'array' && Array.isArray(raw)) {
    return raw.map((item) => salvage(def.element as z.ZodType, item));
  }
  return undefined;
}

/** The object keys a schema accepts at a path, to suggest the right one for a typo. */
function keysAt(schema: z.ZodType, path: SpecPath): string[] {
  let current: unknown = schema;
  for (const key of path) {
    const node = unwrap(current) as { _zod: { def: Record<string, unknown> } };
    const def = node?._zod?.def;
    if (!def) return [];
    if (def.type === 'object') current = (def.shape as Record<string, unknown>)[key as string];
    else if (def.type === 'array') current = def.element;
    else if (def.type === 'record') current = def.valueType;
    else return [];
  }
  const def = (unwrap(current) as { _zod?: { def: Record<string, unknown> } })?._zod?.def;
  if (def?.type === 'object') return Object.keys(def.shape as object);
  if (def?.type === 'union') {
    return [...new Set((def.options as z.ZodType[]).flatMap((o) => keysAt(o, [])))];
  }
  return [];
}

function unknownKeyMessage(key: string, allowed: string[]): string {
  const visible = allowed.filter((k) => k !== '$schema');
  const best = closest(key, visible);
  const hint = best && best.distance <= Math.max(2, Math.floor(key.length / 3)) ? `did you mean "${best.candidate}"? ` : '';
  return `unknown key "${key}": ${hint}allowed here: ${visible.join(', ')}`;
}

function schemaIssues(error: z.ZodError, raw: unknown): { path: SpecPath; message: string }[] {
  const out: { path: SpecPath; message: string }[] = [];
  for (const issue of error.issues) {
    const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) out.push({ path: [...path, key], message: unknownKeyMessage(key, keysAt(specSchema, path)) });
      continue;
    }
    if (issue.code === 'invalid_union' && 'note' in issue && issue.note === 'No matching discriminator') {
      out.push({ path, message: `must be one of local, s3; got ${describeValue(valueAt(raw, path))}` });
      continue;
    }
    if (issue.code === 'invalid_key') {
      const key = path[path.length - 1];
      out.push({ path, message: `${issue.issues[0]?.message ?? 'is not an allowed key'} (got ${describeValue(key)})` });
      continue;
    }
    const value = valueAt(raw, path);
    const message =
      value === undefined && issue.code === 'invalid_type' ? 'is required' : `${issue.message} (got ${describeValue(value)})`;
    out.push({ path, message });
  }
  return out;
}

function valueAt(raw: unknown, path: SpecPath): unknown {
  let node = raw;
  for (const key of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[key];
  }
  return node;
}

function locate(doc: Document, lines: LineCounter, path: SpecPath): string | undefined {
  for (let depth = path.length; depth >= 0; depth--) {
    const prefix = path.slice(0, depth);
    const node = prefix.length === 0 ? doc.contents : doc.getIn(prefix, true);
    if (!isNode(node) || !node.range) continue;
    let offset = node.range[0];
    // For a mapping entry, point at its key: that is where an editor should jump.
    const parent = depth === 0 ? undefined : depth === 1 ? doc.contents : doc.getIn(prefix.slice(0, -1), true);
    if (isMap(parent)) {
      const pair = parent.items.find((p) => isNode(p.key) && (p.key as { value?: unknown }).value === prefix[depth - 1]);
      if (pair && isNode(pair.key) && pair.key.range) offset = pair.key.range[0];
    }
    const { line, col } = lines.linePos(offset);
    return `${line}:${col}`;
  }
  return undefined;
}

/** Where each issue's field is in the spec's text, as errors show it. */
export function locateIssues(text: string, issues: readonly { path: SpecPath; message: string }[]): LocatedIssue[] {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  return issues.map((i) => ({ field: formatSpecPath(i.path), message: i.message, location: locate(doc, lines, i.path) }));
}

/** Parses and validates a spec; throws {@link SpecError} listing every problem. */
export function parseSpec(text: string, source: string): Spec {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new SpecError(
      source,
      doc.errors.map((e) => {
        const { line, col } = lines.linePos(e.pos[0]);
        const key = e.code === 'DUPLICATE_KEY' ? /^[^:\n]*/.exec(text.slice(e.pos[0]))![0].trim() : undefined;
        const message = key === undefined ? `malformed YAML: ${e.message.split('\n')[0]}` : `key ${JSON.stringify(key)} is given twice; keep one`;
        return { field: '(YAML)', message, location: `${line}:${col}` };
      }),
    );
  }
  const raw: unknown = doc.toJS();
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new SpecError(source, [{ field: '(top level)', message: 'the spec must be a YAML mapping (cluster:, provider:, brokers:, …)' }]);
  }

  const found: { path: SpecPath; message: string }[] = [];
  const parsed = specSchema.safeParse(raw, { reportInput: true });
  let sections: SpecSections;
  if (parsed.success) {
    sections = parsed.data;
  } else {
    found.push(...schemaIssues(parsed.error, raw));
    const salvaged: Record<string, unknown> = {};
    for (const [key, schema] of Object.entries(specSchema.shape as Record<string, z.ZodType>)) {
      const value = salvage(schema, (raw as Record<string, unknown>)[key]);
      if (value !== undefined) salvaged[key] = value;
    }
    sections = salvaged as SpecSections;
  }
  // A field the schema already refused is not reported again by a check that misses it.
  const refused = found.map((f) => formatSpecPath(f.path));
  found.push(...crossFieldIssues(sections).filter((issue) => !refused.includes(formatSpecPath(issue.path))));
  if (found.length > 0) {
    throw new SpecError(
      source,
      found.map((f) => ({ field: formatSpecPath(f.path), message: f.message, location: locate(doc, lines, f.path) })),
    );
  }
  return (parsed as { data: Spec }).data;
}

export function loadSpec(file: string): Spec {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw fileProblem(SPEC_SETTING, file, e);
  }
  return parseSpec(text, file);
}
