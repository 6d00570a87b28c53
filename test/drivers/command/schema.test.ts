import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { TestContext } from 'node:test';
import { RewindError } from '../../../src/core/errors.js';
import { loadConfig } from '../../../src/config/load.js';
import { minimal, writeConfig } from '../../config/fixtures.js';
import { tempDir } from '../../helpers/tmp.js';

async function load(t: TestContext, environment: string) {
  const dir = await tempDir(t);
  await writeConfig(dir, minimal(environment));
  return loadConfig({ cwd: dir });
}

async function refused(t: TestContext, environment: string): Promise<string> {
  try {
    await load(t, environment);
  } catch (error) {
    assert.ok(error instanceof RewindError && error.code === 'CONFIG_INVALID', String(error));
    assert.doesNotMatch(error.message, /\n/);
    return error.message;
  }
  assert.fail('the config loaded, but should have been refused');
}

test('the section of the DESIGN example loads, with its defaults', async (t) => {
  const loaded = await load(t, `    driver: command
    command:
      activate: [["./switch.sh", "{version}"]]
      inspect: ["./live-version.sh"]
      prepare: [["./fetch.sh", "{version}"]]
      present: ["./has-version.sh", "{version}"]
`);
  const section = (loaded.config.environments.production as Record<string, unknown>).command;
  assert.deepEqual(section, {
    activate: [['./switch.sh', '{version}']], inspect: ['./live-version.sh'], prepare: [['./fetch.sh', '{version}']], present: ['./has-version.sh', '{version}'], timeout: 300_000,
  });
});

test('bad command sections are refused with the line and key', async (t) => {
  assert.match(await refused(t, '    driver: command\n'), /environments\.production\.command: driver "command" needs a command section \(activate, inspect\)/);
  assert.match(await refused(t, '    driver: command\n    command: { activate: [["./s.sh"]] }\n'), /^rewind\.yaml:\d+: environments\.production\.command: missing required key "inspect"$/);
  assert.match(await refused(t, '    driver: command\n    command: { activate: [], inspect: ["./i.sh"] }\n'), /command\.activate: expected at least one activate command/);
  assert.match(await refused(t, '    driver: command\n    command: { activate: "./switch.sh {version}", inspect: ["./i.sh"] }\n'), /command\.activate: expected a list of commands/);
  assert.match(await refused(t, '    driver: command\n    command: { activate: [["./s.sh", "{sha}"]], inspect: ["./i.sh"] }\n'), /command\.activate\[0\]\[1\]: the command driver knows no commit sha/);
  assert.match(await refused(t, '    driver: command\n    command: { activate: [["./s.sh"]], inspect: ["./i.sh", "{version}"] }\n'), /command\.inspect\[1\]: inspect finds the live version out and is not told one/);
  assert.match(await refused(t, '    driver: command\n    command: { activate: [["./s.sh", "{verison}"]], inspect: ["./i.sh"] }\n'), /command\.activate\[0\]\[1\]: unknown placeholder \{verison\}/);
  assert.match(await refused(t, '    driver: command\n    command: { activate: [["./s.sh"]], inspect: ["./i.sh"], timeout: 30 }\n'), /command\.timeout: expected a duration/);
  assert.match(await refused(t, '    driver: command\n    command: { activate: [["./s.sh"]], inspect: ["./i.sh"], shell: true }\n'), /command: unknown key "shell"/);
});
