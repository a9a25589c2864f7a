// Unit tests for the BENCHMARKS.md generator: node --test scripts/lib/
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import {
  failureFile,
  formatDate,
  formatNumber,
  keptFrom,
  problems,
  readResults,
  renderBenchmarks,
} from './benchmarks.mjs';

const fig = (over = {}) => ({
  id: 'x',
  figure: 'Some figure',
  goal: '—',
  goalValue: null,
  goalOn: null,
  measured: 12.34,
  unit: 'ms',
  baseline: null,
  ratio: null,
  pass: null,
  note: '',
  ...over,
});
const result = (figures, over = {}) => ({
  benchmark: 'b',
  date: '2026-11-22T08:19:40.418Z',
  machine: 'AMD EPYC × 2',
  figures,
  ...over,
});
const entry = (name, res = null, failure = null) => ({ name, result: res, failure });
/** The table rows of a rendered report, as arrays of trimmed cells. */
const rows = (md) =>
  md
    .split('\n')
    .filter((l) => l.startsWith('| ') && !l.startsWith('| bench') && !l.startsWith('| ---'))
    .map((l) =>
      l
        .slice(2, -2)
        .split(/(?<!\\) \| /)
        .map((c) => c.trim()),
    );

describe('formatNumber', () => {
  for (const [n, want] of [
    [0, '0'],
    [0.74, '0.7'],
    [45.94, '45.9'],
    [99.96, '100'],
    [111.4, '111'],
    [5408, '5408'],
    [Number.NaN, 'NaN'],
  ])
    it(`formats ${n} as ${want}`, () => assert.equal(formatNumber(n), want));
});

describe('formatDate', () => {
  it('shortens an ISO date to minutes, UTC', () =>
    assert.equal(formatDate('2026-11-22T08:19:40.418Z'), '2026-11-22 08:19 UTC'));
  it('shows a missing date as a dash', () => assert.equal(formatDate(undefined), '—'));
});

describe('renderBenchmarks', () => {
  it('shows a figure with its baseline, the ratio, the pass mark, date and machine', () => {
    const md = renderBenchmarks([
      entry(
        'cold-start',
        result([
          fig({
            figure: 'build-image cold start',
            goal: '≤ 3× node -e 0',
            goalValue: 3,
            goalOn: 'ratio',
            measured: 91.6,
            baseline: { label: 'node -e 0', measured: 45.9 },
            ratio: 1.996,
            pass: true,
          }),
        ]),
      ),
    ]);
    assert.deepEqual(rows(md), [
      [
        '`cold-start`',
        'build-image cold start',
        '≤ 3× node -e 0',
        '91.6 ms vs 45.9 ms (node -e 0)',
        '2.00×',
        '✅',
        '2026-11-22 08:19 UTC',
        'AMD EPYC × 2',
      ],
    ]);
    assert.match(md, /npm run testbed -- up && npm run bench/);
    assert.match(md, /1 of 1 goals met\./);
  });

  it('names the bench on its first row only, and marks a missed goal', () => {
    const md = renderBenchmarks([
      entry(
        'b',
        result([
          fig({ figure: 'one', goal: '0', goalValue: 0, measured: 0, pass: true }),
          fig({ figure: 'two', goal: '≤ 100 ms', goalValue: 100, measured: 120, pass: false }),
        ]),
      ),
    ]);
    const r = rows(md);
    assert.deepEqual(
      r.map((x) => [x[0], x[1], x[5]]),
      [
        ['`b`', 'one', '✅'],
        ['', 'two', '❌'],
      ],
    );
    assert.match(md, /1 of 2 goals met\. Missed: 1, marked ❌\./);
  });

  it('shows no ratio for a figure without a baseline, even if the JSON has one', () => {
    const md = renderBenchmarks([entry('b', result([fig({ ratio: 0.007 })]))]);
    assert.equal(rows(md)[0][4], '—');
  });

  it('lists a bench without results as not run', () => {
    const md = renderBenchmarks([entry('rollback-mttr')]);
    assert.deepEqual(rows(md), [['`rollback-mttr`', 'not run', '—', '—', '—', '', '—', '—']]);
    assert.match(md, /Not run: `rollback-mttr`\./);
  });

  it('shows why a bench that ran measured nothing (no cluster), with its date, and counts it as not run', () => {
    const md = renderBenchmarks([
      entry('kubernetes-switch', {
        date: '2026-12-07T23:52:00.000Z',
        machine: 'AMD EPYC × 2',
        figures: [],
        notRun: 'no cluster (set SWITCHYARD_E2E_KUBECONFIG)',
      }),
    ]);
    assert.deepEqual(rows(md), [
      [
        '`kubernetes-switch`',
        'not run: no cluster (set SWITCHYARD_E2E_KUBECONFIG)',
        '—',
        '—',
        '—',
        '',
        '2026-12-07 23:52 UTC',
        'AMD EPYC × 2',
      ],
    ]);
    assert.match(md, /Not run: `kubernetes-switch`\./);
  });

  it('says so when the results on file have no figures', () => {
    const md = renderBenchmarks([entry('old', { date: '2026-11-21T23:52:00.000Z', rows: [] })]);
    assert.match(rows(md)[0][1], /predate the figures format/);
    assert.equal(rows(md)[0][6], '2026-11-21 23:52 UTC');
  });

  it('shows a failed last run above the older results it left in place', () => {
    const md = renderBenchmarks([
      entry('b', result([fig({ figure: 'kept' })]), {
        date: '2026-11-22T09:00:00.000Z',
        exitCode: 1,
      }),
    ]);
    const r = rows(md);
    assert.match(r[0][1], /last run failed \(exit 1, no results written\); the figures below/);
    assert.equal(r[0][6], '2026-11-22 09:00 UTC');
    assert.equal(r[1][1], 'kept');
  });

  it('ignores a failure older than the results', () => {
    const md = renderBenchmarks([
      entry('b', result([fig({ figure: 'fresh' })]), {
        date: '2026-11-21T00:00:00.000Z',
        exitCode: 1,
      }),
    ]);
    assert.deepEqual(
      rows(md).map((x) => x[1]),
      ['fresh'],
    );
  });

  it('escapes pipes and newlines in cells', () => {
    const md = renderBenchmarks([entry('b', result([fig({ figure: 'a | b\nc' })]))]);
    assert.match(md, /\| a \\\| b c \|/);
  });

  it('lists each figure note under its bench', () => {
    const md = renderBenchmarks([entry('b', result([fig({ figure: 'f', note: 'the note' })]))]);
    assert.match(md, /### b\n\n- f: the note/);
  });
});

describe('problems', () => {
  it('lists missed goals and failed runs, nothing for met or absent goals', () => {
    const entries = [
      entry(
        'a',
        result([
          fig({ figure: 'met', pass: true }),
          fig({ figure: 'info' }),
          fig({
            figure: 'slow',
            goal: '≤ 1.1× raw',
            measured: 702,
            baseline: { label: 'raw', measured: 525 },
            ratio: 1.337,
            pass: false,
          }),
        ]),
      ),
      entry('b', null, { date: '2026-11-22T09:00:00.000Z', exitCode: 1 }),
      entry('c'),
    ];
    assert.deepEqual(problems(entries), [
      'a: slow: 702 ms vs 525 ms (raw), 1.34×, goal ≤ 1.1× raw',
      'b: the last run failed and wrote no results',
    ]);
  });
});

describe('readResults', () => {
  it('reads each named result and failure file, null when missing', () => {
    const dir = mkdtempSync(join(tmpdir(), 'switchyard-benchmarks-test-'));
    try {
      writeFileSync(join(dir, 'a.json'), JSON.stringify(result([fig()])));
      writeFileSync(failureFile(dir, 'b'), JSON.stringify({ date: 'd', exitCode: 2 }));
      const got = readResults(dir, ['a', 'b']);
      assert.deepEqual(
        got.map((e) => [e.name, e.result?.figures.length ?? null, e.failure?.exitCode ?? null]),
        [
          ['a', 1, null],
          ['b', null, 2],
        ],
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('keptFrom: a bench not run here keeps its rows and notes from the report on file', () => {
  const onFile = renderBenchmarks([
    entry(
      'a',
      result([fig({ figure: 'A one', pass: true, goal: '≤ 1 ms', note: 'per round 1, 2' })]),
    ),
    entry(
      'b',
      result([
        fig({ figure: 'B | piped', pass: false, goal: '≤ 2 ms' }),
        fig({ figure: 'B two', pass: null }),
      ]),
    ),
  ]);

  it('reads every bench’s rows (pipes in cells included) and notes', () => {
    const kept = keptFrom(onFile);
    assert.deepEqual([...kept.keys()], ['a', 'b']);
    assert.equal(kept.get('b').rows.length, 2);
    assert.equal(kept.get('b').rows[0][0], 'B | piped');
    assert.equal(kept.get('b').rows[0][4], '❌');
    assert.deepEqual(kept.get('a').notes, ['- A one: per round 1, 2']);
  });

  it('a re-render with only one bench run keeps the other’s rows, counts its goals, and drops nothing', () => {
    const kept = keptFrom(onFile);
    const md = renderBenchmarks([
      {
        ...entry('a', result([fig({ figure: 'A one', pass: true, goal: '≤ 1 ms' })])),
        kept: kept.get('a'),
      },
      { ...entry('b'), kept: kept.get('b') },
    ]);
    assert.match(md, /\| `b` +\| B \\\| piped/);
    assert.match(md, /B two/);
    assert.match(md, /1 of 2 goals met\. Missed: 1, marked ❌\./);
    assert.doesNotMatch(md, /Not run/);
  });

  it('a bench with nothing on file and no results is "not run"', () => {
    const md = renderBenchmarks([{ ...entry('c'), kept: keptFrom('').get('c') }]);
    assert.match(md, /Not run: `c`/);
  });
});
