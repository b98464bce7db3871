import { z } from 'zod';
import { specSchema } from './schema';

/** The spec's JSON Schema, for editors (`# yaml-language-server: $schema=…`). */
export function specJsonSchema(): string {
  const schema = z.toJSONSchema(specSchema, { io: 'input', target: 'draft-7' }) as Record<string, unknown>;
  const document = {
    $schema: schema.$schema,
    $id: 'https://kafka-privatelink.dev/cluster-spec.schema.json',
    title: 'kafka-privatelink cluster spec',
    description: 'One Kafka cluster exposed through PrivateLink to consumer VPCs. Generated from packages/cluster-spec/src/schema.ts.',
    ...Object.fromEntries(Object.entries(schema).filter(([k]) => k !== '$schema')),
  };
  return `${JSON.stringify(document, null, 2)}\n`;
}
