import { writeFileSync } from 'node:fs';
import { SPEC_JSON_SCHEMA_PATH } from './locate';
import { specJsonSchema } from './json-schema';

writeFileSync(SPEC_JSON_SCHEMA_PATH, specJsonSchema());
process.stdout.write(`wrote ${SPEC_JSON_SCHEMA_PATH}\n`);
