import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CONFIG_SCHEMA_ID, configJsonSchema } from '../../src/config/jsonSchema.js';

test('the JSON Schema describes rewind.yaml as written', () => {
  const schema = configJsonSchema();
  assert.equal(schema.$id, CONFIG_SCHEMA_ID);
  assert.equal(schema.title, 'rewind.yaml');
  assert.equal(schema.$schema, 'https://json-schema.org/draft/2020-12/schema');
  assert.ok(schema.properties?.environments, 'properties.environments');
  // Issue 13: a pipeline-only file has no environments, so only app is required.
  assert.deepEqual(schema.required, ['app']);
  assert.equal(schema.additionalProperties, false);
  const environment = schema.properties?.environments?.additionalProperties;
  assert.ok(typeof environment === 'object');
  const timeout = environment.properties?.health?.properties?.timeout;
  // Input side: a duration is a string with a default, not the number of milliseconds it becomes.
  assert.equal(timeout?.type, 'string');
  assert.equal(timeout?.default, '30s');
});

test('the JSON Schema is plain JSON', () => {
  const schema = configJsonSchema();
  assert.deepEqual(JSON.parse(JSON.stringify(schema)), schema);
});
