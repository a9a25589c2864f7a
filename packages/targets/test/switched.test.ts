import { AfterSwitchError, afterSwitch, switchedTo, type TargetState } from '@switchyard/targets';

const state = (over: Partial<TargetState> = {}): TargetState => ({
  live: 'green',
  previous: 'blue',
  history: [],
  colors: {
    green: {
      color: 'green',
      image: 'shop:2.0.0',
      digest: 'sha256:2',
      version: '2.0.0',
      deployId: 'd',
      actor: 'a',
      createdAt: '',
      state: 'running',
      running: true,
      health: 'none',
    },
  },
  exists: true,
  notes: [],
  ...over,
});

describe('afterSwitch', () => {
  test('after a switch, a failure says the switch happened and what is live', async () => {
    const error = await afterSwitch({ color: 'green', version: '2.0.0' }, () => {
      throw new Error('EACCES: permission denied');
    }).catch((e: unknown) => e as AfterSwitchError);
    expect(error).toBeInstanceOf(AfterSwitchError);
    expect(error.message).toBe(
      'live traffic is on green (2.0.0) — the switch happened; then: EACCES: permission denied',
    );
  });

  test('a non-Error throw keeps its text; an AfterSwitchError is not wrapped twice', async () => {
    await expect(
      afterSwitch({ color: 'blue' }, () => Promise.reject(new Error('x'))),
    ).rejects.toThrow(/^live traffic is on blue — the switch happened; then: x$/);
    const inner = new AfterSwitchError({ color: 'blue' }, 'first');
    await expect(afterSwitch({ color: 'green' }, () => Promise.reject(inner))).rejects.toBe(inner);
  });

  test('without a switch, errors pass as they are, and results too', async () => {
    const plain = new Error('plain');
    await expect(afterSwitch(undefined, () => Promise.reject(plain))).rejects.toBe(plain);
    await expect(afterSwitch({ color: 'green' }, () => 42)).resolves.toBe(42);
  });
});

test.each([
  [
    { switched: true, after: state() },
    { color: 'green', version: '2.0.0' },
  ],
  [{ switched: true, after: state({ colors: {} }) }, { color: 'green' }],
  [{ switched: false, after: state() }, undefined],
  [{ switched: true, after: state({ live: null }) }, undefined],
])('[%#] switchedTo names what is live after a switch', (result, expected) => {
  expect(switchedTo(result)).toEqual(expected);
});
