import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const WORKSPACE_ROOT = resolve(__dirname, '..', '..', '..');

interface PackageJson {
  readonly scripts?: Record<string, string>;
}

const readPackageJson = (dir: string): PackageJson => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as PackageJson;

/** Root package.json scripts: what `npm run <script>` can run. */
export const rootScripts = (): ReadonlySet<string> => new Set(Object.keys(readPackageJson(WORKSPACE_ROOT).scripts ?? {}));

/** Target name → its configuration names. */
type Targets = ReadonlyMap<string, ReadonlySet<string>>;
const projectsCache = new Map<string, ReadonlyMap<string, Targets>>();

/**
 * Nx projects of the workspace (or of another one at `root`, e.g. a scratch copy with clusters)
 * with their targets and configurations, as real `nx graph` sees them: package.json's
 * `nx.targets`, the scripts, and the projects the local plugin infers.
 */
export function nxProjects(root: string = WORKSPACE_ROOT): ReadonlyMap<string, Targets> {
  const cached = projectsCache.get(root);
  if (cached) return cached;
  const file = join(mkdtempSync(join(tmpdir(), 'kpl-graph-')), 'graph.json');
  const run = spawnSync('npx', ['nx', 'graph', `--file=${file}`], {
    cwd: root,
    env: { ...process.env, NX_DAEMON: 'false', NX_TUI: 'false' },
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`npx nx graph failed (exit ${run.status}): ${run.stderr}`);
  const graph = JSON.parse(readFileSync(file, 'utf8')) as {
    graph: { nodes: Record<string, { data: { targets?: Record<string, { configurations?: Record<string, unknown> }> } }> };
  };
  const projects: ReadonlyMap<string, Targets> = new Map(
    Object.entries(graph.graph.nodes).map(([name, node]) => [
      name,
      new Map(Object.entries(node.data.targets ?? {}).map(([target, config]) => [target, new Set(Object.keys(config.configurations ?? {}))])),
    ]),
  );
  projectsCache.set(root, projects);
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
  return invocationProblems(command, WORKSPACE_ROOT);
}

/** unknownInvocations in another workspace, e.g. a scratch copy with cluster specs. */
export const unknownInvocationsIn =
  (root: string) =>
  (command: string): string[] =>
    invocationProblems(command, root);

function invocationProblems(command: string, root: string): string[] {
  const projects = nxProjects(root);
  const problems: string[] = [];
  for (const part of command.split(/\s*(?:&&|\|\||;|\|)\s*/)) {
    const words = part.split(' ').filter(Boolean);
    if ((words[0] === 'bash' || words[0] === 'node') && words[1] !== undefined && !words[1].startsWith('-')) {
      if (!existsSync(join(root, words[1]))) problems.push(`${part}: script ${words[1]} does not exist`);
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
      const [project, target, configuration] = (args[0] ?? '').split(':');
      if (!projects.has(project)) problems.push(`${part}: no Nx project ${project}`);
      else if (!projects.get(project)!.has(target)) problems.push(`${part}: project ${project} has no target ${target}`);
      else if (configuration !== undefined && !projects.get(project)!.get(target)!.has(configuration)) {
        problems.push(`${part}: target ${project}:${target} has no configuration ${configuration}`);
      }
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
