import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderUpstream, stateOfUpstream, upstreamServers, type UpstreamLayout } from '../../src/traffic/nginxUpstream.js';

const layout: UpstreamLayout = { upstream: 'shop', host: '127.0.0.1', ports: { blue: 3001, green: 3002 } };

/** What nginx would serve from `text`, as read() says it. */
const stateOf = (text: string, at: UpstreamLayout = layout) => {
  const servers = upstreamServers(text, at.upstream);
  assert.ok(servers, 'an upstream block');
  return stateOfUpstream(servers, at, 'upstream file x');
};

test('what rewind writes reads back as written, either way', () => {
  for (const live of ['blue', 'green'] as const) {
    const state = stateOf(renderUpstream(layout, live));
    assert.equal(state.live, live);
    assert.deepEqual(state.slots[live], { address: `127.0.0.1:${layout.ports[live]}`, enabled: true });
    assert.equal(state.slots[live === 'blue' ? 'green' : 'blue'].enabled, false);
  }
});

test('an IPv6 host is written in brackets and read back', () => {
  const v6 = { ...layout, host: '::1' };
  assert.match(renderUpstream(v6, 'green'), /^ {4}server \[::1\]:3002; # rewind slot green$/m);
  assert.deepEqual(stateOf(renderUpstream(v6, 'green'), v6).slots.green, { address: '[::1]:3002', enabled: true });
});

test('hand edits are read as nginx serves them: by address, down and backup count as idle', () => {
  const both = 'upstream shop {\n  server 127.0.0.1:3001;\n  server 127.0.0.1:3002;\n}\n';
  assert.equal(stateOf(both).live, null);
  const down = 'upstream shop {\n  server 127.0.0.1:3001 down;\n  server 127.0.0.1:3002 weight=2;\n}\n';
  assert.deepEqual(stateOf(down).slots, { blue: { address: '127.0.0.1:3001', enabled: false }, green: { address: '127.0.0.1:3002', enabled: true } });
  assert.equal(stateOf(down).live, 'green');
  assert.equal(stateOf('upstream shop {\n  server 127.0.0.1:3001;\n  server 127.0.0.1:3002 backup;\n}\n').live, 'blue');
  // A server that is neither slot's takes a share: no slot has all the traffic.
  const stranger = 'upstream shop {\n  server 127.0.0.1:3001;\n  server 10.0.0.9:80;\n}\n';
  assert.equal(stateOf(stranger).live, null);
  assert.deepEqual(stateOf(stranger).slots.green, { address: null, enabled: false });
  // Two servers on one line, and the closing brace on the last server's line.
  assert.equal(stateOf('upstream shop { server 127.0.0.1:3001 down; server 127.0.0.1:3002; }\n').live, 'green');
});

test('only the named upstream block counts; without a complete one there is nothing to read', () => {
  const two = 'upstream other {\n  server 127.0.0.1:3001;\n}\nupstream shop {\n  server 127.0.0.1:3002;\n}\n';
  assert.equal(stateOf(two).live, 'green');
  assert.equal(upstreamServers('upstream shop {\n  server 127.0.0.1:3001;\n', 'shop'), undefined);
  assert.equal(upstreamServers('# upstream shop {\n', 'shop'), undefined);
  assert.equal(upstreamServers('upstream shopfront {\n}\n', 'shop'), undefined);
});
