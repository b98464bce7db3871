import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '@kafka-privatelink/cluster-spec';
import { Description, parseDescription } from '../src/description';

/** The example's description as synth writes it (the golden), optionally edited. */
export function exampleDescription(edit: (d: Record<string, any>) => void = () => undefined): Description {
  const data = JSON.parse(readFileSync(join(REPO_ROOT, 'stacks/app/test/golden/coban/doctor/kios.json'), 'utf8'));
  edit(data);
  return parseDescription(data, 'kios.json');
}
