// Nx runtime input of the synth target. The spec chosen by KAFKA_PRIVATELINK_SPEC and its lockfile
// may live outside the repository (ports.lockfile may point anywhere), so their bytes are hashed
// here rather than listed as files.
import { createHash, randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { preparePlan } from '@kafka-privatelink/plan';
import { specPathFromEnv } from '@kafka-privatelink/cluster-spec';

const spec = specPathFromEnv(process.env);
const hash = createHash('sha256').update(spec);

// Every file of the folder: the lockfile's name can be set inside the spec, and synth looks at the
// lockfiles beside the spec and beside the expected lockfile before it allocates from scratch.
// Sub-folders are no input, not even by name: a cluster's own synth output lives in one, and its
// coming and going must not change the key.
const hashFolder = (folder: string): void => {
  let names: string[];
  try {
    names = readdirSync(folder).sort();
  } catch {
    return;
  }
  for (const name of names) {
    const path = join(folder, name);
    // statSync follows links: a linked lockfile is a file like any other
    if (statSync(path, { throwIfNoEntry: false })?.isFile()) hash.update(name).update(readFileSync(path));
  }
};

hashFolder(dirname(spec));
try {
  const prepared = preparePlan(spec);
  hash.update(prepared.lockfilePath);
  hashFolder(dirname(prepared.lockfilePath));
  // A synth that writes the lockfile must never be replayed from the cache: the replay would
  // restore output for ports that the lockfile on disk does not hold, and claim a write it did not
  // make. A key that never recurs makes such a run uncacheable; the next synth, which finds the
  // lockfile up to date, is cached as usual.
  if (prepared.lockfileChanged) hash.update(randomUUID());
} catch {
  // Synth fails on the same problem, and Nx caches no failure; but the problem may lie outside the
  // files hashed here (another spec with the same cluster name, the lockfile's git history), so an
  // earlier success with the same key must not be replayed either.
  hash.update(randomUUID());
}
process.stdout.write(`${hash.digest('hex')}\n`);
