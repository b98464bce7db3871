import { readFileSync } from 'node:fs';

/** What V8's `--cpu-prof` writes: a call tree and, per sample, the node that was running. */
export interface CpuProfile {
  readonly nodes: readonly { readonly id: number; readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number } }[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

export interface ProfileLine {
  readonly name: string;
  readonly selfMs: number;
  readonly share: number;
}

export interface ProfileSummary {
  readonly totalMs: number;
  /** Self time by package (node_modules/<package>) or by the repository's source file. */
  readonly modules: readonly ProfileLine[];
  readonly functions: readonly ProfileLine[];
}

/**
 * The module each line of an esbuild bundle comes from: esbuild writes `// <path>` before each
 * module's code. Returns a lookup from a 0-based line number to that path.
 */
export function bundleModules(bundleSource: string): (line: number) => string {
  const starts: [number, string][] = [];
  bundleSource.split('\n').forEach((text, line) => {
    const match = /^\/\/ ((?:node_modules|stacks|packages|tools)\/\S+)$/.exec(text);
    if (match) starts.push([line, match[1]]);
  });
  return (line) => {
    let lo = 0;
    let hi = starts.length - 1;
    let found = '(bundle entry)';
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      if (starts[mid][0] <= line) {
        found = starts[mid][1];
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  };
}

/** A module path reduced to its package, or kept as the repository's own file. */
const packageOf = (path: string): string => {
  const match = /^node_modules\/((?:@[^/]+\/)?[^/]+)(?:\/(lib\/[^/]+))?/.exec(path);
  if (!match) return path;
  // the AWS bindings: one folder per resource type, worth telling apart
  return match[1] === '@cdktf/provider-aws' && match[2] ? `${match[1]}/${match[2]}` : match[1];
};

const top = (byName: Map<string, number>, totalMs: number, count: number): ProfileLine[] =>
  [...byName]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([name, selfMs]) => ({ name, selfMs, share: selfMs / totalMs }));

/** Self time of a profile of a bundle, by module and by function; V8's own entries, e.g. `(garbage collector)`, as they are. */
export function summarizeProfile(profile: CpuProfile, moduleAt: (line: number) => string, bundleUrl: string, count = 10): ProfileSummary {
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const modules = new Map<string, number>();
  const functions = new Map<string, number>();
  let totalMs = 0;
  for (const node of profile.nodes) {
    const ms = (selfUs.get(node.id) ?? 0) / 1000;
    if (ms === 0) continue;
    totalMs += ms;
    const { functionName, url, lineNumber } = node.callFrame;
    const module = url === '' ? functionName : url.endsWith(bundleUrl) ? packageOf(moduleAt(lineNumber)) : url.replace(/^node:/, 'node:');
    modules.set(module, (modules.get(module) ?? 0) + ms);
    const fn = url === '' ? functionName : `${functionName || '(anonymous)'} (${url.endsWith(bundleUrl) ? moduleAt(lineNumber) : url})`;
    functions.set(fn, (functions.get(fn) ?? 0) + ms);
  }
  return { totalMs, modules: top(modules, totalMs, count), functions: top(functions, totalMs, count) };
}

export const readProfile = (path: string): CpuProfile => JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;

export function profileTable(summary: ProfileSummary): string {
  const rows = (title: string, lines: readonly ProfileLine[]) => [
    `| ${title} | self s | share |`,
    '|---|---:|---:|',
    ...lines.map((l) => `| \`${l.name.replaceAll('|', '\\|')}\` | ${(l.selfMs / 1000).toFixed(2)} | ${(l.share * 100).toFixed(1)} % |`),
  ];
  return [...rows('module (package)', summary.modules), '', ...rows('function (module)', summary.functions)].join('\n');
}
