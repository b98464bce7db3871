import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const WORKSPACE_ROOT = resolve(__dirname, '..', '..', '..');

interface PackageJson {
  readonly name?: string;
  readonly scripts?: Record<string, string>;
  readonly workspaces?: string[];
  readonly nx?: { readonly name?: string; readonly targets?: Record<string, unknown> };
}

const readPackageJson = (dir: string): PackageJson => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as PackageJson;

/** Root package.json scripts: what `npm run <script>` can run. */
export const rootScripts = (): ReadonlySet<string> => new Set(Object.keys(readPackageJson(WORKSPACE_ROOT).scripts ?? {}));

/**
 * Nx projects of the workspace and their targets, as package.json declares them: `nx.targets`
 * plus the scripts, which Nx turns into targets of the same name.
 */
export function nxProjects(): ReadonlyMap<string, ReadonlySet<string>> {
  const projects = new Map<string, ReadonlySet<string>>();
  for (const pattern of readPackageJson(WORKSPACE_ROOT).workspaces ?? []) {
    const parent = join(WORKSPACE_ROOT, pattern.replace(/\/\*$/, ''));
    for (const entry of readdirSync(parent, { withFileTypes: true })) {
      const dir = join(parent, entry.name);
      if (!entry.isDirectory() || !existsSync(join(dir, 'package.json'))) continue;
      const pkg = readPackageJson(dir);
      const name = pkg.nx?.name ?? pkg.name ?? entry.name;
      projects.set(name, new Set([...Object.keys(pkg.nx?.targets ?? {}), ...Object.keys(pkg.scripts ?? {})]));
    }
  }
  return projects;
}

/** Shell lines with `\` continuations joined and comments dropped. */
export function shellCommands(script: string): string[] {
  return script
    .replace(/\\\n/g, ' ')
    .split('\n')
    .map((line) => line.replace(/\s+/g, ' ').trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

/** `-t a b c` / `--targets=a,b` → targets, up to the next option. */
function targetsOf(args: string[]): string[] {
  const inline = args.find((a) => a.startsWith('--targets=') || a.startsWith('--target='));
  if (inline) return inline.split('=')[1].split(',');
  const at = args.findIndex((a) => a === '-t' || a === '--targets' || a === '--target');
  if (at < 0) return [];
  const rest = args.slice(at + 1);
  const end = rest.findIndex((a) => a.startsWith('-'));
  return (end < 0 ? rest : rest.slice(0, end)).flatMap((t) => t.split(','));
}

/**
 * Problems with the npm, Nx and `bash <script>` invocations in one shell command: a script,
 * project or target that the workspace does not have. Other commands are not judged here.
 */
export function unknownInvocations(command: string): string[] {
  const projects = nxProjects();
  const problems: string[] = [];
  for (const part of command.split(/\s*(?:&&|\|\||;|\|)\s*/)) {
    const words = part.split(' ').filter(Boolean);
    if (words[0] === 'bash' && words[1] !== undefined && !words[1].startsWith('-')) {
      if (!existsSync(join(WORKSPACE_ROOT, words[1]))) problems.push(`${part}: script ${words[1]} does not exist`);
      continue;
    }
    if (words[0] === 'npm') {
      if (words[1] === 'run' && !rootScripts().has(words[2])) problems.push(`npm script ${words[2]} is not in package.json`);
      if (words[1] === 'test' && !rootScripts().has('test')) problems.push('npm test: package.json has no test script');
      continue;
    }
    if (words[0] !== 'npx' || words[1] !== 'nx') continue;
    const [verb, ...args] = words.slice(2);
    if (verb === 'run') {
      const [project, target] = (args[0] ?? '').split(':');
      if (!projects.has(project)) problems.push(`${part}: no Nx project ${project}`);
      else if (!projects.get(project)!.has(target)) problems.push(`${part}: project ${project} has no target ${target}`);
    } else if (verb === 'run-many' || verb === 'affected') {
      const targets = targetsOf(args);
      if (targets.length === 0) problems.push(`${part}: names no target`);
      for (const target of targets) {
        if (![...projects.values()].some((t) => t.has(target))) problems.push(`${part}: no project has a target ${target}`);
      }
    } else if (verb !== 'show') {
      // `nx show` only reads the workspace; anything else is unexpected in a pipeline
      problems.push(`${part}: unexpected nx command ${verb}`);
    }
  }
  return problems;
}
