import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { markerIn, reversibilityOf } from '../../../src/core/migrations/reversibility.js';

const policy = { default: 'auto' as const, overrides: { '003_drop_legacy': 'none' as const, '004_backfill': 'manual' as const } };
const withDown = (markerText = '') => ({ down: 'ALTER TABLE items DROP COLUMN note;', markerText });

describe('reversibility', () => {
  it('is the environment default when nothing else speaks', () => {
    assert.equal(reversibilityOf('002_add_note', withDown(), policy), 'auto');
    assert.equal(reversibilityOf('002_add_note', withDown(), { ...policy, default: 'manual' }), 'manual');
  });

  it('is the per-id override over the default', () => {
    assert.equal(reversibilityOf('003_drop_legacy', withDown(), policy), 'none');
    assert.equal(reversibilityOf('004_backfill', withDown(), policy), 'manual');
  });

  it('is the marker in the file over the override and the default', () => {
    assert.equal(reversibilityOf('004_backfill', withDown('-- rewind: irreversible\nselect 1;'), policy), 'none');
    assert.equal(reversibilityOf('002_add_note', withDown('// rewind: manual'), policy), 'manual');
    assert.equal(reversibilityOf('003_drop_legacy', withDown('-- rewind: auto'), policy), 'auto');
  });

  it('is none without a down step, whatever the marker, override or default say', () => {
    assert.equal(reversibilityOf('002_add_note', { down: null, markerText: '-- rewind: auto' }, policy), 'none');
    assert.equal(reversibilityOf('002_add_note', { down: '  \n', markerText: '' }, policy), 'none');
  });

  it('reads markers in SQL and JS comments, in any case', () => {
    assert.equal(markerIn('-- Rewind: Irreversible'), 'none');
    assert.equal(markerIn('/* rewind: none */'), 'none');
    assert.equal(markerIn('// rewind:manual'), 'manual');
    assert.equal(markerIn('-- nothing here'), undefined);
  });
});
