import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isRewindError } from '../../../src/core/errors.js';
import { knownHostsName, label, parseSshHost } from '../../../src/exec/ssh/target.js';

test('ssh://user@host:port in its three host forms', () => {
  assert.deepEqual(parseSshHost('ssh://deploy@web1.example.com:2222'), { user: 'deploy', host: 'web1.example.com', port: 2222 });
  assert.deepEqual(parseSshHost('ssh://deploy@web1'), { user: 'deploy', host: 'web1', port: 22 });
  assert.deepEqual(parseSshHost('ssh://root@127.0.0.1:22'), { user: 'root', host: '127.0.0.1', port: 22 });
  assert.deepEqual(parseSshHost('ssh://app_user@[::1]:2200'), { user: 'app_user', host: '::1', port: 2200 });
  assert.deepEqual(parseSshHost('ssh://a.b-c@[2001:DB8::1]'), { user: 'a.b-c', host: '2001:db8::1', port: 22 });
  assert.deepEqual(parseSshHost('ssh://u@WEB-1.Example.COM:65535'), { user: 'u', host: 'web-1.example.com', port: 65535 });
});

test('label is user@host:port, with IPv6 in brackets', () => {
  assert.equal(label(parseSshHost('ssh://deploy@web1')), 'deploy@web1:22');
  assert.equal(label(parseSshHost('ssh://deploy@[::1]:2200')), 'deploy@[::1]:2200');
});

test('known_hosts names: bare on 22, [host]:port otherwise', () => {
  assert.equal(knownHostsName('web1', 22), 'web1');
  assert.equal(knownHostsName('127.0.0.1', 2222), '[127.0.0.1]:2222');
});

test('anything else is refused with CONFIG_INVALID naming the value and the expected form', () => {
  const bad: Array<[string, RegExp]> = [
    ['web1', /does not start with ssh:\/\//],
    ['deploy@web1', /does not start with ssh:\/\//],
    ['http://deploy@web1', /does not start with ssh:\/\//],
    ['ssh://web1', /user is missing/],
    ['ssh://@web1', /user is missing/],
    ['ssh://deploy:hunter2@web1', /passwords are not accepted/],
    ['ssh://-oProxyCommand=x@web1', /not a valid user name/],
    ['ssh://de ploy@web1', /more than user, host and port/],
    ['ssh://deploy@', /host is missing/],
    ['ssh://deploy@web1:0', /port "0"/],
    ['ssh://deploy@web1:65536', /port "65536"/],
    ['ssh://deploy@web1:22x', /port "22x"/],
    ['ssh://deploy@web1:', /port ""/],
    ['ssh://deploy@web1/srv', /more than user, host and port/],
    ['ssh://deploy@web1:22/', /more than user, host and port/],
    ['ssh://deploy@web1?x=1', /more than user, host and port/],
    ['ssh://deploy@web_1', /not a DNS name/],
    ['ssh://deploy@-web1', /not a DNS name/],
    ['ssh://deploy@web1..example', /not a DNS name/],
    ['ssh://deploy@$(reboot)', /not a DNS name|more than/],
    ['ssh://deploy@1.2.3.999', /not an IPv4 address/],
    ['ssh://deploy@::1', /more than user, host and port|port/],
    ['ssh://deploy@[::g]:22', /not an IPv6 address/],
    ['ssh://deploy@[fe80::1%eth0]:22', /not an IPv6 address/],
    ['ssh://deploy@[127.0.0.1]:22', /not an IPv6 address/],
    ['ssh://a@b@c', /more than user, host and port/],
    [`ssh://deploy@${'a'.repeat(64)}.example`, /not a DNS name/],
  ];
  for (const [text, why] of bad) {
    assert.throws(() => parseSshHost(text), (error: unknown) => {
      assert.ok(isRewindError(error), text);
      assert.equal(error.code, 'CONFIG_INVALID', text);
      assert.ok(error.message.includes(JSON.stringify(text)), `${text}: ${error.message}`);
      assert.match(error.message, why, text);
      assert.match(error.message, /expected ssh:\/\/user@host or ssh:\/\/user@host:port/, text);
      assert.ok(!error.message.includes('\n'), 'one line');
      return true;
    });
  }
});
