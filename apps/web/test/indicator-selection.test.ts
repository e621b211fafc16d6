// The stored indicator selection is re-checked against the catalogue on load: unknown indicators and
// parameters out of bounds are dropped, missing parameters take their default.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { chosenLabel, validSelection } from '../ui/market/indicator-selection.ts';

test('a stored selection keeps only what still fits the catalogue', () => {
  const stored = [
    { id: 'rsi', params: { n: 7 } },
    { id: 'no-such-indicator', params: {} },
    { id: 'bb', params: { n: 500, k: 2 } },
    { id: 'macd', params: { fast: 5 } },
    'garbage',
    null,
  ];
  assert.deepEqual(validSelection(stored), [
    { id: 'rsi', params: { n: 7 } },
    { id: 'macd', params: { fast: 5, slow: 26, signal: 9 } },
  ]);
  assert.deepEqual(validSelection({ not: 'a list' }), []);
});

test('a chosen indicator is labelled with its name and parameters', () => {
  assert.equal(chosenLabel({ id: 'bb', params: { n: 20, k: 2 } }), 'Bollinger Bands (20, 2)');
  assert.equal(chosenLabel({ id: 'obv', params: {} }), 'On-balance volume');
});
