import { z } from 'zod';
import { configSchema } from './schema/index.js';

/** The parts of JSON Schema that zod emits for our schema and that we read back. */
export interface JsonSchema {
  $schema?: string;
  $id?: string;
  title?: string;
  description?: string;
  type?: string;
  properties?: Record<string, JsonSchema>;
  additionalProperties?: JsonSchema | boolean;
  propertyNames?: JsonSchema;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  minLength?: number;
  [keyword: string]: unknown;
}

export const CONFIG_SCHEMA_ID = 'urn:rewind:schema:rewind.yaml';

/**
 * The JSON Schema of rewind.yaml as a user writes it (`io: 'input'`: durations
 * are strings and defaulted keys are optional), for editors and for
 * `rewind config schema`.
 */
export function configJsonSchema(): JsonSchema {
  const schema = z.toJSONSchema(configSchema, {
    io: 'input',
    // zod writes a discriminated union (notify's and traffic.proxy's `type`) as oneOf. Its forms exclude each other by
    // their `type` const, so anyOf says the same, and anyOf is what the reference and the unknown-key hints read.
    override: ({ jsonSchema }) => {
      if (jsonSchema.oneOf === undefined) return;
      jsonSchema.anyOf = jsonSchema.oneOf;
      delete jsonSchema.oneOf;
    },
  }) as JsonSchema;
  return { $schema: schema.$schema, $id: CONFIG_SCHEMA_ID, ...schema, title: 'rewind.yaml' };
}
