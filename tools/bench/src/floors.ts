// The two floors of a case, made from the case's own synth output:
// - floor-N: a plain cdktf app, bundled and started like the app, that creates the same providers,
//   backends, resources, data sources and outputs with the same literal values, written out one
//   constructor call each: no spec, no port allocation, no plan, no emitters;
// - the physical floor: one process that holds the output files' contents and writes them, the
//   JSON ones serialized as cdktf serializes them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { synthOutputPaths } from './cache-restore';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const camel = (key: string): string => key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
const pascal = (words: string): string => words.split(/[_-]/).map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('');

/** Attributes whose value is a map: its keys are data, kept as written. */
const MAPS = new Set(['tags', 'tags_all', 'for_each', 'config']);

/** A Terraform JSON value as a cdktf config literal: block and attribute names in camelCase. */
function configLiteral(value: Json): string {
  if (Array.isArray(value)) return `[${value.map(configLiteral).join(',')}]`;
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  return `{${Object.entries(value)
    .map(([key, v]) => `${JSON.stringify(camel(key))}:${MAPS.has(key) ? JSON.stringify(v) : configLiteral(v)}`)
    .join(',')}}`;
}

/** The constructor arguments of one resource or data source; meta-arguments as cdktf takes them. */
function bodyLiteral(body: JsonObject): string {
  const { depends_on: dependsOn, for_each: forEach, ...rest } = body;
  delete rest['//'];
  const parts = [configLiteral(rest).slice(1, -1)];
  if (dependsOn) parts.push(`dependsOn:${JSON.stringify((dependsOn as string[]).map((fqn) => ({ fqn })))}`);
  if (forEach) parts.push(`forEach:TerraformIterator.fromMap(${JSON.stringify(forEach)})`);
  return `{${parts.filter((p) => p !== '').join(',')}}`;
}

/** The class of a Terraform type and the module it comes from. */
function classOf(kind: 'resource' | 'data', type: string): { name: string; module: string } {
  if (kind === 'resource' && type === 'terraform_data') return { name: 'DataResource', module: 'cdktf' };
  if (!type.startsWith('aws_')) throw new Error(`floor-N: no binding known for ${kind} ${type}`);
  const file = kind === 'data' ? `data-${type.replace(/_/g, '-')}` : type.slice('aws_'.length).replace(/_/g, '-');
  return { name: pascal(file), module: `@cdktf/provider-aws/lib/${file}` };
}

/** The stacks of a synth output, by name, as cdktf's manifest lists them. */
export function readStacks(outdir: string): [string, JsonObject][] {
  const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8')) as { stacks: Record<string, { synthesizedStackPath: string }> };
  return Object.entries(manifest.stacks).map(([name, stack]) => [name, JSON.parse(readFileSync(join(outdir, stack.synthesizedStackPath), 'utf8')) as JsonObject]);
}

/** The TypeScript source of the case's floor-N app. */
export function floorAppSource(outdir: string): string {
  const imports = new Map<string, Set<string>>([['cdktf', new Set(['App', 'TerraformStack', 'TerraformOutput', 'TerraformIterator', 'LocalBackend', 'DataTerraformRemoteStateLocal'])]]);
  const use = (module: string, name: string) => imports.set(module, (imports.get(module) ?? new Set()).add(name));
  const body: string[] = ['const app = new App();'];
  for (const [name, tf] of readStacks(outdir)) {
    body.push(`{ const s = new TerraformStack(app, ${JSON.stringify(name)});`);
    const terraform = (tf.terraform ?? {}) as JsonObject;
    const backend = (terraform.backend ?? {}) as JsonObject;
    for (const [type, config] of Object.entries(backend)) {
      if (type !== 'local') throw new Error(`floor-N: stack ${name}: backend ${type} is not rendered`);
      body.push(`new LocalBackend(s, ${configLiteral(config)});`);
    }
    for (const [type, configs] of Object.entries((tf.provider ?? {}) as JsonObject)) {
      if (type !== 'aws') throw new Error(`floor-N: stack ${name}: provider ${type} is not rendered`);
      use('@cdktf/provider-aws/lib/provider', 'AwsProvider');
      for (const config of configs as JsonObject[]) body.push(`new AwsProvider(s, ${JSON.stringify(config.alias ?? 'aws')}, ${configLiteral(config)});`);
    }
    for (const kind of ['resource', 'data'] as const) {
      for (const [type, byName] of Object.entries((tf[kind] ?? {}) as Record<string, Record<string, JsonObject>>)) {
        for (const [id, config] of Object.entries(byName)) {
          if (kind === 'data' && type === 'terraform_remote_state') {
            if (config.backend !== 'local') throw new Error(`floor-N: stack ${name}: remote state backend ${String(config.backend)} is not rendered`);
            body.push(`new DataTerraformRemoteStateLocal(s, ${JSON.stringify(id)}, ${JSON.stringify(config.config)});`);
            continue;
          }
          const cls = classOf(kind, type);
          use(cls.module, cls.name);
          // Names repeat across types; the construct id has the type, the Terraform name stays the same.
          body.push(`new ${cls.name}(s, ${JSON.stringify(`${kind}.${type}.${id}`)}, ${bodyLiteral(config)}).overrideLogicalId(${JSON.stringify(id)});`);
        }
      }
    }
    for (const [id, config] of Object.entries((tf.output ?? {}) as JsonObject)) body.push(`new TerraformOutput(s, ${JSON.stringify(id)}, ${configLiteral(config)});`);
    body.push('}');
  }
  body.push('app.synth();');
  const importLines = [...imports].map(([module, names]) => `import { ${[...names].join(', ')} } from ${JSON.stringify(module)};`);
  return `// floor-N: generated by tools/bench from one case's synth output.\n${importLines.join('\n')}\n${body.join('\n')}\n`;
}

/**
 * Every Terraform block of an output with the construct metadata left out, canonical: two outputs
 * with the same entries create the same infrastructure.
 */
export function terraformEntries(outdir: string): string[] {
  const canonical = (value: unknown): unknown =>
    Array.isArray(value)
      ? value.map(canonical)
      : value && typeof value === 'object'
        ? Object.fromEntries(Object.entries(value).filter(([k]) => k !== '//').sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => [k, canonical(v)]))
        : value;
  return readStacks(outdir)
    .flatMap(([name, tf]) => Object.entries(tf).filter(([block]) => block !== '//').map(([block, value]) => JSON.stringify([name, block, canonical(value)])))
    .sort();
}

/**
 * The source of the physical floor: a CommonJS script that holds the output's files (JSON files as
 * values) and writes each into CDKTF_OUTDIR, JSON serialized as cdktf does.
 */
export function physicalFloorSource(outdir: string): string {
  const files = synthOutputPaths(outdir).map((path) => {
    const text = readFileSync(join(outdir, path), 'utf8');
    if (path.endsWith('.json')) {
      const value = JSON.parse(text) as Json;
      if (JSON.stringify(value, null, 2) === text) return `[${JSON.stringify(path)}, ${JSON.stringify(value)}, true]`;
    }
    return `[${JSON.stringify(path)}, ${JSON.stringify(text)}, false]`;
  });
  return [
    '// The physical floor: generated by tools/bench from one case\'s synth output.',
    "const { mkdirSync, writeFileSync } = require('node:fs');",
    "const { dirname, join } = require('node:path');",
    `const files = [\n${files.join(',\n')}\n];`,
    'const out = process.env.CDKTF_OUTDIR;',
    'for (const [path, content, json] of files) {',
    '  mkdirSync(dirname(join(out, path)), { recursive: true });',
    '  writeFileSync(join(out, path), json ? JSON.stringify(content, null, 2) : content);',
    '}',
    '',
  ].join('\n');
}
