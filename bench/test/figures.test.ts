import { allPass, figure, median, type FigureSpec } from '../lib/figures.js';

const base = { id: 'x', figure: 'X', unit: 'ms' } as const;

describe('figure', () => {
  test.each<[FigureSpec, { goal: string; ratio: number | null; pass: boolean | null }]>([
    [
      { ...base, measured: 5 },
      { goal: '—', ratio: null, pass: null },
    ],
    [
      { ...base, measured: 5, noGoal: '— (control)' },
      { goal: '— (control)', ratio: null, pass: null },
    ],
    [
      { ...base, measured: 0, goal: { max: 0 } },
      { goal: '0', ratio: null, pass: true },
    ],
    [
      { ...base, measured: 1, goal: { max: 0 } },
      { goal: '0', ratio: null, pass: false },
    ],
    [
      { ...base, measured: 100, goal: { max: 100 } },
      { goal: '≤ 100 ms', ratio: null, pass: true },
    ],
    [
      {
        ...base,
        measured: 150,
        goal: { max: 1.5, on: 'ratio', strict: true },
        baseline: { label: 'one', measured: 100 },
      },
      { goal: '< 1.5×', ratio: 1.5, pass: false },
    ],
    [
      {
        ...base,
        measured: 91.6,
        goal: { max: 3, on: 'ratio', text: '≤ 3× node -e 0' },
        baseline: { label: 'node -e 0', measured: 45.9 },
      },
      { goal: '≤ 3× node -e 0', ratio: 1.996, pass: true },
    ],
    [
      {
        ...base,
        measured: 3120,
        ratio: 1.6316,
        goal: { max: 2, on: 'ratio' },
        baseline: { label: 'p', measured: 1914 },
      },
      { goal: '≤ 2×', ratio: 1.632, pass: true },
    ],
    [
      { ...base, measured: 0, goal: { max: 0 }, baseline: { label: 'nginx', measured: 97 } },
      { goal: '0', ratio: 0, pass: true },
    ],
    [
      { ...base, measured: 3, baseline: { label: 'zero', measured: 0 } },
      { goal: '—', ratio: null, pass: null },
    ],
  ])('[%#] given %o returns %o', (spec, want) => {
    const f = figure(spec);
    expect({ goal: f.goal, ratio: f.ratio, pass: f.pass }).toEqual(want);
    expect(f.goalValue).toBe(spec.goal?.max ?? null);
    expect(f.baseline).toEqual(spec.baseline ?? null);
  });

  test('judges the exact ratio, not the rounded one', () => {
    const f = figure({
      ...base,
      measured: 1.10004,
      baseline: { label: 'raw', measured: 1 },
      goal: { max: 1.1, on: 'ratio' },
    });
    expect(f.ratio).toBe(1.1);
    expect(f.pass).toBe(false);
  });

  test('refuses a goal on the ratio without a usable baseline', () => {
    expect(() => figure({ ...base, measured: 1, goal: { max: 2, on: 'ratio' } })).toThrow(
      /figure x: a goal on the ratio needs a baseline/,
    );
    expect(() =>
      figure({
        ...base,
        measured: 1,
        goal: { max: 2, on: 'ratio' },
        baseline: { label: 'b', measured: 0 },
      }),
    ).toThrow(/needs a baseline other than 0/);
  });

  test('refuses a measured value that is not a number', () => {
    expect(() => figure({ ...base, measured: Number.NaN })).toThrow(/figure x: measured is NaN/);
  });
});

describe('allPass', () => {
  test.each([
    [[], true],
    [[null, true], true],
    [[true, false], false],
  ])('[%#] given passes %o returns %o', (passes, want) => {
    const figures = passes.map((pass) =>
      figure({
        ...base,
        measured: pass === false ? 2 : 1,
        ...(pass === null ? {} : { goal: { max: 1 } }),
      }),
    );
    expect(allPass(figures)).toBe(want);
  });
});

describe('median', () => {
  test.each([
    [[3, 1, 2], 2],
    [[4, 1, 3, 2], 2.5],
    [[7], 7],
  ])('median(%j) = %d', (xs, m) => {
    expect(median(xs)).toBe(m);
  });
});
