import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '@kafka-privatelink/cluster-spec';

const readme = readFileSync(join(REPO_ROOT, 'README.md'), 'utf8');
const commands = [...readme.matchAll(/```sh\n([^\n]+)\n```/g)].map((m) => m[1]);

describe('the README', () => {
  it('opens with the set-up commands: synth first, then the tests', () => {
    expect(commands[0]).toBe('npm ci && npx nx run-many -t synth');
    expect(commands[1]).toMatch(/^apt-get update && apt-get install -y .+ && npm ci && npm test$/);
  });

  it('shows the very test command CI runs', () => {
    const ci = readFileSync(join(REPO_ROOT, '.ci', 'run'), 'utf8').trim().split('\n');
    expect(ci[ci.length - 1]).toBe(commands[1]);
  });

  it('names package scripts that exist', () => {
    const scripts = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')).scripts;
    for (const [, name] of readme.matchAll(/npm (?:run )?(test|bench|synth)\b/g)) expect(scripts).toHaveProperty(name);
  });

  it('shows, as its construct example, the very app the pack-and-install test synthesizes', () => {
    const example = readFileSync(join(__dirname, 'team-app', 'main.js'), 'utf8');
    expect(readme).toContain(`\`\`\`js\n${example}\`\`\`\n`);
  });
});
