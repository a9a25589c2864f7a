// BENCHMARKS.md from bench/results/*.json: one table of every bench's figures (see
// bench/lib/figures.ts for the shape), a bench without results listed as not run.
// readResults touches the file system; everything else here is pure.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The file a failed run leaves beside (or instead of) the bench's last results. */
export const failureFile = (dir, name) => join(dir, `${name}.failed.json`);

const readJson = (file) => (existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : null);

/**
 * The results of each named bench in `dir`: `{ name, result, failure }`, each null when its file
 * is missing. `result` is bench/results/<name>.json; `failure` is what scripts/bench.mjs recorded
 * when the last run of the bench wrote no results (`{ date, exitCode, signal?, error? }`).
 */
export function readResults(dir, names) {
  return names.map((name) => ({
    name,
    result: readJson(join(dir, `${name}.json`)),
    failure: readJson(failureFile(dir, name)),
  }));
}

/** Display form of a measured number: whole above 100, one decimal below; the JSON keeps all. */
export function formatNumber(n) {
  if (typeof n !== 'number' || !Number.isFinite(n)) return String(n);
  return String(Math.abs(n) >= 100 ? Math.round(n) : Math.round(n * 10) / 10);
}

/** "2026-11-22T08:19:40.418Z" → "2026-11-22 08:19 UTC"; anything else as given. */
export function formatDate(iso) {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})/.exec(String(iso ?? ''));
  return m ? `${m[1]} ${m[2]} UTC` : String(iso ?? '—');
}

const cell = (s) => String(s).replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

/** The last run failed after (or without) the results on file. */
const failedLast = (e) =>
  e.failure !== null && (e.result === null || String(e.failure.date) > String(e.result.date));

const figuresOf = (e) => (Array.isArray(e.result?.figures) ? e.result.figures : null);

function measuredCell(f) {
  const unit = f.unit ? ` ${f.unit}` : '';
  const base = f.baseline
    ? ` vs ${formatNumber(f.baseline.measured)}${unit} (${f.baseline.label})`
    : '';
  return `${formatNumber(f.measured)}${unit}${base}`;
}

const passCell = (pass) => (pass === true ? '✅' : pass === false ? '❌' : '');
/** A ratio is shown only against a baseline (ours ÷ baseline), never against the goal. */
const ratioCell = (f) =>
  f.baseline && typeof f.ratio === 'number' ? `${f.ratio.toFixed(2)}×` : '—';

/** The rows of one bench: [bench, figure, goal, measured, ratio, pass, date, machine]. */
function rowsOf(e) {
  const rows = [];
  const when = formatDate(e.result?.date);
  const machine = e.result?.machine ?? '—';
  if (failedLast(e)) {
    const how = e.failure.signal
      ? `killed by ${e.failure.signal}`
      : `exit ${e.failure.exitCode ?? '?'}`;
    rows.push([
      `last run failed (${how}, no results written)${e.result ? '; the figures below are from the run before' : ''}`,
      '—',
      '—',
      '—',
      '❌',
      formatDate(e.failure.date),
      '—',
    ]);
  }
  const figures = figuresOf(e);
  if (e.result === null && !failedLast(e) && e.kept?.rows.length) {
    rows.push(...e.kept.rows);
  } else if (e.result === null) {
    if (!failedLast(e)) rows.push(['not run', '—', '—', '—', '', '—', '—']);
  } else if (typeof e.result.notRun === 'string') {
    // The bench ran, found what it measures missing (no cluster), and said so.
    rows.push([`not run: ${e.result.notRun}`, '—', '—', '—', '', when, machine]);
  } else if (figures === null) {
    rows.push([
      'results on file predate the figures format: run this bench again',
      '—',
      '—',
      '—',
      '',
      when,
      machine,
    ]);
  } else {
    for (const f of figures)
      rows.push([f.figure, f.goal, measuredCell(f), ratioCell(f), passCell(f.pass), when, machine]);
  }
  return rows.map((r, i) => [i === 0 ? `\`${e.name}\`` : '', ...r]);
}

/** Goals missed and runs failed, as one line each ("deploy-switch: <figure> (…)"). */
export function problems(entries) {
  const out = [];
  for (const e of entries) {
    if (failedLast(e)) out.push(`${e.name}: the last run failed and wrote no results`);
    for (const f of figuresOf(e) ?? [])
      if (f.pass === false)
        out.push(
          `${e.name}: ${f.figure}: ${measuredCell(f)}${f.baseline ? `, ${ratioCell(f)}` : ''}, goal ${f.goal}`,
        );
  }
  return out;
}

/** Whether an entry shows rows kept from the report on file (its bench did not run here). */
const keptShown = (e) => e.result === null && !failedLast(e) && Boolean(e.kept?.rows.length);

function summaryLine(entries) {
  const figures = entries.flatMap((e) => figuresOf(e) ?? []);
  // Kept rows count by their pass cell: ✅ met, ❌ missed.
  const keptPasses = entries
    .filter(keptShown)
    .flatMap((e) => e.kept.rows.map((r) => r[4]))
    .filter((c) => c === '✅' || c === '❌')
    .map((c) => ({ pass: c === '✅' }));
  const goals = [...figures, ...keptPasses].filter((f) => f.pass !== null && f.pass !== undefined);
  const met = goals.filter((f) => f.pass === true).length;
  const notRun = entries
    .filter((e) => (e.result === null && !keptShown(e)) || typeof e.result?.notRun === 'string')
    .map((e) => `\`${e.name}\``);
  const failed = entries.filter(failedLast).map((e) => `\`${e.name}\``);
  const old = entries
    .filter((e) => e.result !== null && figuresOf(e) === null)
    .map((e) => `\`${e.name}\``);
  return [
    `${met} of ${goals.length} goals met.`,
    goals.length > met ? `Missed: ${goals.length - met}, marked ❌.` : '',
    failed.length ? `Last run failed: ${failed.join(', ')}.` : '',
    notRun.length ? `Not run: ${notRun.join(', ')}.` : '',
    old.length ? `Results without figures (run again): ${old.join(', ')}.` : '',
  ]
    .filter(Boolean)
    .join(' ');
}

function notesOf(entries) {
  const out = [];
  for (const e of entries) {
    if (keptShown(e)) {
      if (e.kept.notes.length) out.push(`### ${e.name}`, '', ...e.kept.notes, '');
      continue;
    }
    const noted = (figuresOf(e) ?? []).filter((f) => f.note);
    if (!noted.length) continue;
    out.push(`### ${e.name}`, '', ...noted.map((f) => `- ${f.figure}: ${f.note}`), '');
  }
  return out;
}

/**
 * What a report on file says of each bench: its rows (the cells after the bench's name) and its
 * notes. A bench that did not run on this machine keeps them, so running some benches here never
 * drops the figures other machines measured.
 */
export function keptFrom(markdown) {
  const kept = new Map();
  let current;
  let inNotes = false;
  let notesOf;
  for (const line of String(markdown ?? '').split('\n')) {
    if (line.startsWith('## Notes')) inNotes = true;
    if (!inNotes && line.startsWith('| ')) {
      const cells = line
        .slice(1, line.trimEnd().endsWith('|') ? line.trimEnd().length - 1 : undefined)
        .split(/(?<!\\)\|/)
        .map((c) => c.trim().replace(/\\\|/g, '|'));
      const [name, ...rest] = cells;
      if (name === 'bench' || /^-+$/.test(name ?? '')) continue;
      const named = /^`(.+)`$/.exec(name ?? '');
      if (named) {
        current = named[1];
        if (!kept.has(current)) kept.set(current, { rows: [], notes: [] });
      }
      if (current && rest.length === 7) kept.get(current).rows.push(rest);
    } else if (inNotes) {
      const heading = /^### (.+)$/.exec(line);
      if (heading) {
        notesOf = heading[1];
        if (!kept.has(notesOf)) kept.set(notesOf, { rows: [], notes: [] });
      } else if (notesOf && line.startsWith('- ')) kept.get(notesOf).notes.push(line);
    }
  }
  return kept;
}

/** BENCHMARKS.md for `entries` (as readResults returns them, in the order to show). */
export function renderBenchmarks(entries) {
  const header = ['bench', 'figure', 'goal', 'measured', 'ratio', 'pass', 'date', 'machine'];
  const rows = entries.flatMap(rowsOf);
  return [
    '# Benchmarks',
    '',
    '<!-- Generated by scripts/bench.mjs from bench/results/*.json: change the benches, not this file. -->',
    '',
    'What users feel, measured on the testbed: failed requests while traffic switches color, how fast it moves, how fast a bad release is called and rolled back, cold start and size of each action, and what each action costs over the raw commands it wraps. The sources are in [bench/](bench). Where a figure has a baseline (`measured` reads "ours vs baseline"), the baseline was measured in the same run, interleaved where it could be, and the ratio is ours ÷ baseline.',
    '',
    'The results are from the machine in the `machine` column, the one that last ran each bench; they are not reference numbers. Reproduce them on yours (as root, Debian 12; the testbed installs and starts Docker, a registry and Prometheus):',
    '',
    '```bash',
    'npm run testbed -- up && npm run bench',
    '```',
    '',
    '`npm run bench -- cold-start deploy-switch` runs only the named benches; `npm run bench -- --report-only` rebuilds this file from `bench/results/` without running anything. Each bench also writes its details to `bench/results/<name>.md` (not committed).',
    '',
    summaryLine(entries),
    '',
    `| ${header.join(' | ')} |`,
    `| ${header.map(() => '---').join(' | ')} |`,
    ...rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
    '',
    '## Notes',
    '',
    ...notesOf(entries),
  ].join('\n');
}
