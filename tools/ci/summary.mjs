// Prints one closing line for every test of the repository: "N passed, N failed, N skipped".
// Counts come from the per-project files written by tools/ci/jest-results-reporter.js and by
// the twin's end-to-end checks.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const dir = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '.gen', 'test-results');
const total = { passed: 0, failed: 0, skipped: 0 };
const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.json')).sort() : [];
for (const file of files) {
  const counts = JSON.parse(readFileSync(join(dir, file), 'utf8'));
  for (const key of Object.keys(total)) total[key] += counts[key] ?? 0;
  process.stdout.write(`  ${file.replace(/\.json$/, '').padEnd(18)} ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped\n`);
}
if (files.length === 0) {
  process.stdout.write('no test results found\n');
  process.exit(1);
}
process.stdout.write(`${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped\n`);
process.exit(total.failed > 0 ? 1 : 0);
