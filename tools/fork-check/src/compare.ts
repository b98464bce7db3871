/** One place where two synth outputs differ: the file, where in it (a JSON path), and both values. */
export interface Difference {
  readonly file: string;
  /** Dotted JSON path inside the file; empty for the file as a whole. */
  readonly path: string;
  readonly cdktf: string;
  readonly fork: string;
  /** Why the difference is allowed; absent when it is not. */
  readonly allowedAs?: string;
}

export interface Comparison {
  readonly allowed: readonly Difference[];
  readonly unexpected: readonly Difference[];
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const isObject = (value: Json): value is { [key: string]: Json } => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * How Terraform reads a `required_providers` source: a bare type is the registry's `hashicorp`
 * namespace (`aws` is `registry.terraform.io/hashicorp/aws`, as `terraform providers` prints it),
 * a namespace/type pair is on the public registry, and names are case-insensitive.
 */
export function providerAddress(source: string): string {
  const parts = source.toLowerCase().split('/');
  if (parts.length === 1) return `registry.terraform.io/hashicorp/${parts[0]}`;
  if (parts.length === 2) return `registry.terraform.io/${parts.join('/')}`;
  return parts.join('/');
}

/**
 * The differences a core and provider-bindings release must make, and no others: the core's
 * version in cdktf's `//` metadata and in the manifest, the provider version the bindings were
 * built for, a provider source written otherwise for the same address, and JSON laid out otherwise.
 */
function allowance(file: string, path: readonly string[], cdktf: Json | undefined, fork: Json | undefined): string | undefined {
  if (path.includes('//')) return 'cdktf metadata';
  if (file === 'manifest.json' && path.length === 1 && path[0] === 'version') return 'core version in the manifest';
  const provider = path.length === 4 && path[0] === 'terraform' && path[1] === 'required_providers';
  if (provider && path[3] === 'version') return 'provider version';
  if (provider && path[3] === 'source' && typeof cdktf === 'string' && typeof fork === 'string' && providerAddress(cdktf) === providerAddress(fork)) {
    return `provider source, both ${providerAddress(fork)}`;
  }
  return undefined;
}

const show = (value: Json | undefined): string => (value === undefined ? '(absent)' : JSON.stringify(value));

function diffJson(file: string, path: string[], cdktf: Json | undefined, fork: Json | undefined, out: Difference[]): void {
  if (cdktf !== undefined && fork !== undefined) {
    if (isObject(cdktf) && isObject(fork)) {
      const keys = [...new Set([...Object.keys(cdktf), ...Object.keys(fork)])].sort();
      for (const key of keys) diffJson(file, [...path, key], cdktf[key], fork[key], out);
      return;
    }
    if (Array.isArray(cdktf) && Array.isArray(fork)) {
      for (let i = 0; i < Math.max(cdktf.length, fork.length); i++) diffJson(file, [...path, String(i)], cdktf[i], fork[i], out);
      return;
    }
    if (JSON.stringify(cdktf) === JSON.stringify(fork)) return;
  }
  out.push({ file, path: path.join('.'), cdktf: show(cdktf), fork: show(fork), allowedAs: allowance(file, path, cdktf, fork) });
}

/**
 * A JSON text with every string and number blanked: what remains is its structure and whitespace,
 * so two files whose values alone differ have the same layout.
 */
const layout = (text: string): string => text.replace(/"(?:[^"\\]|\\.)*"/g, '""').replace(/-?\d[\d.eE+-]*/g, '0');

/**
 * Compares two synth outputs, given as file → content. JSON files are compared value by value;
 * every other file (the Ansible files, the topology report) byte for byte. A file on one side only
 * is always unexpected.
 */
export function compareOutputs(cdktf: Record<string, string>, fork: Record<string, string>): Comparison {
  const differences: Difference[] = [];
  for (const file of [...new Set([...Object.keys(cdktf), ...Object.keys(fork)])].sort()) {
    const a = cdktf[file];
    const b = fork[file];
    if (a === undefined || b === undefined) {
      differences.push({ file, path: '', cdktf: a === undefined ? '(no file)' : 'file', fork: b === undefined ? '(no file)' : 'file' });
    } else if (a === b) {
      continue;
    } else if (file.endsWith('.json')) {
      diffJson(file, [], JSON.parse(a) as Json, JSON.parse(b) as Json, differences);
      if (layout(a) !== layout(b)) {
        differences.push({ file, path: '', cdktf: `${a.length} bytes`, fork: `${b.length} bytes`, allowedAs: 'JSON laid out otherwise' });
      }
    } else {
      differences.push({ file, path: '', cdktf: `${a.length} bytes`, fork: `${b.length} bytes` });
    }
  }
  return {
    allowed: differences.filter((d) => d.allowedAs !== undefined),
    unexpected: differences.filter((d) => d.allowedAs === undefined),
  };
}

/** One line per difference, for the test's report and its failure message. */
export function describeDifference(d: Difference): string {
  const where = d.path === '' ? d.file : `${d.file}: ${d.path}`;
  return `${where}: ${d.cdktf} → ${d.fork}${d.allowedAs ? ` (${d.allowedAs})` : ''}`;
}
