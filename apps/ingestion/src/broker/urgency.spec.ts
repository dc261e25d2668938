import { batchOf, oximetry } from '../testing';
import { mayHoldARed } from './urgency';

describe('mayHoldARed: a batch to take first', () => {
  const normal = oximetry({}, 95);
  const red = oximetry({}, 84);
  it.each([
    ['a batch of normal readings', batchOf('gw-1', [normal, normal]), false],
    ['SpO2 84 % last in a backlog of eight', batchOf('gw-1', [...Array.from({ length: 7 }, () => normal), red]), true],
    ['not JSON', '{"measurements":[', false],
    ['JSON without measurements', '{"schema":"tm.measurements.v1"}', false],
    ['null', 'null', false],
    ['components that are not a list', JSON.stringify({ measurements: [{ components: 'x' }, null, 3] }), false],
    ['a value sent as text', JSON.stringify({ measurements: [{ components: [{ code: '59408-5', value: '84' }] }] }), false],
    ['a red in a bulk batch, too large to read twice', batchOf('gw-1', [red, ...Array.from({ length: 100 }, () => normal)]), false],
    ['a red among 40 readings', batchOf('gw-1', [...Array.from({ length: 40 }, () => normal), red]), true],
  ])('%s', (_label, payload, expected) => {
    expect(mayHoldARed(Buffer.from(payload))).toBe(expected);
  });
});
