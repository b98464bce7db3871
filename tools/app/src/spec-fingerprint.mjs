// Nx runtime input of the synth target: the spec chosen by KAFKA_PRIVATELINK_SPEC may live outside
// the repository, so its bytes (and its lockfile's) are hashed here rather than listed as files.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const spec = process.env.KAFKA_PRIVATELINK_SPEC ? resolve(process.env.KAFKA_PRIVATELINK_SPEC) : join(root, 'examples', 'coban.yaml');
const hash = createHash('sha256').update(spec);
const dir = dirname(spec);
// The lockfile's name can be set inside the spec; hashing every file beside the spec covers it.
for (const name of existsSync(dir) ? readdirSync(dir).sort() : []) {
  const file = join(dir, name);
  try {
    hash.update(name).update(readFileSync(file));
  } catch {
    // a sub-folder: not an input
  }
}
process.stdout.write(`${hash.digest('hex')}\n`);
