import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RewindError } from '../../../src/core/errors.js';
import { inPeriod, parseSince, periodEnding } from '../../../src/core/metrics/period.js';
import { median, percentile, showSpan, spreadOf } from '../../../src/core/metrics/stats.js';

describe('parseSince', () => {
  it('reads minutes, hours, days and weeks', () => {
    assert.equal(parseSince('30d'), 30 * 86_400_000);
    assert.equal(parseSince('12h'), 12 * 3_600_000);
    assert.equal(parseSince('2w'), 14 * 86_400_000);
    assert.equal(parseSince('90m'), 90 * 60_000);
    assert.equal(parseSince('1.5d'), 36 * 3_600_000);
  });

  for (const bad of ['30', 'thirty days', '30x', '0d', '-3d', '', '4000d', '30 d']) {
    it(`refuses ${JSON.stringify(bad)} with one line naming the flag and what was expected`, () => {
      assert.throws(() => parseSince(bad), (error: unknown) => {
        assert.ok(error instanceof RewindError);
        assert.equal(error.code, 'USAGE');
        assert.equal(error.exitCode, 2);
        assert.ok(!error.message.includes('\n'));
        assert.match(error.message, /^--since .* is not a period: expected .*"30d"/);
        return true;
      });
    });
  }
});

describe('periodEnding', () => {
  it('ends now and holds both of its ends', () => {
    const period = periodEnding(new Date('2026-05-01T00:00:00Z'), '1d');
    assert.deepEqual(period, { since: '1d', from: '2026-04-30T00:00:00.000Z', to: '2026-05-01T00:00:00.000Z', lengthMs: 86_400_000 });
    assert.equal(inPeriod(period, '2026-04-30T00:00:00.000Z'), true);
    assert.equal(inPeriod(period, '2026-05-01T00:00:00.000Z'), true);
    assert.equal(inPeriod(period, '2026-04-29T23:59:59.999Z'), false);
    assert.equal(inPeriod(period, null), false);
  });
});

describe('median and p90', () => {
  it('take the middle (the mean of two middles) and the nearest rank', () => {
    assert.equal(median([5, 1, 3]), 3);
    assert.equal(median([4, 1, 3, 2]), 2.5);
    assert.equal(percentile([1, 2, 3], 90), 3);
    assert.equal(percentile([...Array(10).keys()].map((i) => i + 1), 90), 9);
    assert.equal(percentile([7], 90), 7);
  });

  it('are null for nothing, never NaN', () => {
    assert.deepEqual(spreadOf([]), { count: 0, medianMs: null, p90Ms: null });
  });

  it('show a span in the unit that keeps it small', () => {
    assert.equal(showSpan(250), '250 ms');
    assert.equal(showSpan(42_000), '42.0 s');
    assert.equal(showSpan(150_000), '2.5 min');
    assert.equal(showSpan(2 * 3_600_000), '2.0 h');
    assert.equal(showSpan(3 * 86_400_000), '3.0 d');
  });
});
