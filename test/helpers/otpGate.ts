/**
 * verdaccio has no two-factor auth, so the OTP tests put this gate in front
 * of it on loopback: every write (PUT, POST, DELETE) without the right
 * `npm-otp` header is answered as registry.npmjs.org answers it (401, a
 * `www-authenticate: OTP` header, "one-time pass" in the body); everything
 * else goes through to the real registry unchanged.
 */
import { createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TestContext } from 'node:test';

export async function startOtpGate(t: TestContext, upstream: string, code: string): Promise<{ url: string; writes: string[] }> {
  const target = new URL(upstream);
  const writes: string[] = [];
  const server = createServer((req, res) => {
    const write = req.method !== 'GET' && req.method !== 'HEAD';
    if (write) writes.push(`${req.method} ${req.url} otp=${req.headers['npm-otp'] ?? 'none'}`);
    if (write && req.headers['npm-otp'] !== code) {
      req.resume();
      res.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'OTP' });
      res.end(JSON.stringify({ error: 'You must provide a one-time pass. Upgrade your client to npm@latest in order to use 2FA.' }));
      return;
    }
    const forwarded = request({ host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers }, (up) => {
      res.writeHead(up.statusCode ?? 502, up.headers);
      up.pipe(res);
    });
    forwarded.on('error', () => res.destroy());
    req.pipe(forwarded);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, writes };
}
