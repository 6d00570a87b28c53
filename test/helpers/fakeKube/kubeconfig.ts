/** The kubeconfig a test hands to kubectl (or to the driver): one cluster, one token user, context `test`. */
import { writeFile } from 'node:fs/promises';
import { stringify } from 'yaml';

export interface KubeconfigFields {
  server: string;
  caFile: string;
  token: string;
  namespace: string;
}

export async function writeKubeconfig(file: string, fields: KubeconfigFields): Promise<string> {
  const config = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'fake', cluster: { server: fields.server, 'certificate-authority': fields.caFile } }],
    users: [{ name: 'tester', user: { token: fields.token } }],
    contexts: [{ name: 'test', context: { cluster: 'fake', user: 'tester', namespace: fields.namespace } }],
    'current-context': 'test',
    preferences: {},
  };
  // 0600: kubectl warns about group/world-readable kubeconfigs in newer releases.
  await writeFile(file, stringify(config), { mode: 0o600 });
  return file;
}
