/**
 * A throwaway CA and a server certificate for 127.0.0.1, made by the openssl CLI in the test's temp dir.
 * kubectl (Go) wants the IP in subjectAltName (the CN is not consulted) and a CA with basicConstraints CA:TRUE.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const OPENSSL = '/usr/bin/openssl';

export interface ServerCertificates {
  caFile: string;
  key: Buffer;
  cert: Buffer;
}

// Our own config file: the system's openssl.cnf would add its own v3_ca extensions beside ours.
const CONFIG = `[req]
distinguished_name = dn
prompt = no
[dn]
CN = fake-kube-ca
[ca_ext]
basicConstraints = critical,CA:TRUE
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[server_ext]
basicConstraints = critical,CA:FALSE
keyUsage = critical,digitalSignature,keyEncipherment
extendedKeyUsage = serverAuth
subjectAltName = IP:127.0.0.1
authorityKeyIdentifier = keyid
`;

export async function makeCertificates(dir: string): Promise<ServerCertificates> {
  const at = (name: string): string => join(dir, name);
  await writeFile(at('openssl.cnf'), CONFIG);
  const openssl = (...args: string[]): Promise<unknown> => run(OPENSSL, args, { timeout: 15_000 });
  // P-256 keys: quick to make, and Go's TLS stacks from 1.15 on accept them.
  const newKey = (file: string): Promise<unknown> =>
    openssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', at(file));
  await Promise.all([newKey('ca.key'), newKey('server.key')]);
  await openssl('req', '-x509', '-new', '-config', at('openssl.cnf'), '-extensions', 'ca_ext', '-key', at('ca.key'),
    '-days', '2', '-out', at('ca.crt'));
  await openssl('req', '-new', '-config', at('openssl.cnf'), '-key', at('server.key'), '-subj', '/CN=127.0.0.1',
    '-out', at('server.csr'));
  await openssl('x509', '-req', '-in', at('server.csr'), '-CA', at('ca.crt'), '-CAkey', at('ca.key'),
    '-set_serial', `0x${randomBytes(8).toString('hex')}`, '-days', '2', '-extfile', at('openssl.cnf'),
    '-extensions', 'server_ext', '-out', at('server.crt'));
  return { caFile: at('ca.crt'), key: await readFile(at('server.key')), cert: await readFile(at('server.crt')) };
}
