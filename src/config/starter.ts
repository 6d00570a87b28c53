import { parse } from 'yaml';
import { DEFAULT_DRIVER } from '../drivers/index.js';
import { assertAppName } from './appName.js';

/**
 * The commented rewind.yaml that `rewind init` writes: a working example of
 * every section, each with a line saying what it is for and what the choices
 * are, so a new user edits values instead of reading a manual first.
 */
export function starterConfig(options: { app: string }): string {
  const app = yamlScalar(assertAppName(options.app));
  const reloadComment =
    "# Run after the switch; here pm2's process is named after the app (or use startOrReload with an ecosystem file).";
  return `# rewind.yaml: how rewind deploys ${options.app}, checks it, and rolls it back.
# Every key is described in the README ("Configuration reference"); \`rewind config schema\`
# prints a JSON Schema for editor completion and checking.
# Durations are strings such as 250ms, 30s, 5m. Commands are argument arrays, never shell
# strings; {version} {sha} {release_dir} {previous_release_dir} {env} {app} {host} are
# replaced inside each item.

# The application name, used in reports and as {app}.
app: ${app}
# The environment used when --env is not given (or mark one environment default: true).
default_env: production

# Where the ledger (releases, runs, audit log) and the reports live.
state:
  # sqlite: one file under state.dir, nothing to set up | postgres: one history for a whole team.
  backend: sqlite
  # postgres only: the connection string; REWIND_DATABASE_URL overrides it.
  # url: postgres://rewind@127.0.0.1:5432/rewind
  # Ledger, reports, audit log and plans, relative to this file.
  dir: .rewind

# Limits on what rewind may change.
safety:
  # The only directories rewind writes under, relative to this file; state.dir and release paths are added.
  allow_writes_only_under: [.rewind]

# Where the app runs, by name; --env NAME picks one.
environments:
  # One environment; add staging and others alongside it.
  production:
${DEFAULT_DRIVER.starter(options.app)}    ${reloadComment}
    reload: ["pm2", "reload", "{app}", "--update-env"]
    # The HTTP check a release must pass before it counts as good.
    health:
      # The endpoint to ask.
      url: http://127.0.0.1:3000/health
      # The status a healthy service answers with.
      expect_status: 200
      # The JSON field the app reports its build in; must equal the release's sha (or version). false: no check.
      expect_version: sha
      # Keep trying this long before the release counts as failed.
      timeout: 30s
      # Pause between attempts.
      interval: 250ms
      # Passing attempts in a row needed.
      successes: 2
    # Commands that must exit 0 for a release to pass; [] if you have none.
    smoke: [["npm", "run", "smoke"]]
`;
}

/** The name as YAML would read it back: plain when it stays a string, quoted when it would not (123, true, null). */
function yamlScalar(value: string): string {
  return parse(value) === value ? value : JSON.stringify(value);
}
