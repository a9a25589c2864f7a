/**
 * Coverage reports: lcov (`lcov.info`), istanbul's `coverage-summary.json` and Cobertura XML, read
 * into per-file counts; {@link mergeCoverage} joins several reports and {@link totals} sums them.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  COVERAGE_METRICS,
  type CoverageMetric,
  type CoverageReport,
  type Counts,
  type FileCoverage,
  num,
  parseJsonReport,
  record,
  ReportError,
} from './model.js';
import type { PathContext } from './junit.js';
import { workspacePath } from './paths.js';
import { descendants, parseXml, type XmlElement } from './xml.js';

export const COVERAGE_FORMATS = ['lcov', 'istanbul-summary', 'cobertura'] as const;
export type CoverageFormat = (typeof COVERAGE_FORMATS)[number];

/** Guesses the format from the text. */
export function detectCoverage(text: string): CoverageFormat | undefined {
  const t = text.trimStart();
  if (t.startsWith('{')) return 'istanbul-summary';
  if (t.startsWith('<')) return 'cobertura';
  if (/^(TN|SF):/m.test(t)) return 'lcov';
  return undefined;
}

const counts = (covered: number, total: number): Counts => ({ covered, total });

/** The line counts of a file's hits per line, and its lines without hits, in order. */
function lineCoverage(hits: ReadonlyMap<number, number>): {
  lines: Counts;
  uncovered: number[];
} {
  const uncovered = [...hits.entries()]
    .filter(([, n]) => n === 0)
    .map(([l]) => l)
    .sort((a, b) => a - b);
  return { lines: counts(hits.size - uncovered.length, hits.size), uncovered };
}

/** lcov tracefiles: `SF:` … `end_of_record` records with DA/LF/LH, FNF/FNH, BRDA/BRF/BRH. */
export function parseLcov(
  input: string,
  file: string,
  text: string,
  ctx: PathContext,
): CoverageReport {
  const files: FileCoverage[] = [];
  let current:
    | {
        file: string;
        lines: Map<number, number>;
        lf?: number;
        lh?: number;
        fnf?: number;
        fnh?: number;
        brf?: number;
        brh?: number;
        branchHits: Map<string, number>;
        functionHits: Map<string, number>;
      }
    | undefined;
  const finish = (): void => {
    if (!current) return;
    const { lines, uncovered } = lineCoverage(current.lines);
    const metrics: Partial<Record<CoverageMetric, Counts>> = {
      // LF/LH win: lcov may list fewer DA lines than it counts.
      lines: counts(current.lh ?? lines.covered, current.lf ?? lines.total),
    };
    if (current.fnf !== undefined) metrics.functions = counts(current.fnh ?? 0, current.fnf);
    if (current.brf !== undefined) metrics.branches = counts(current.brh ?? 0, current.brf);
    files.push({
      file: current.file,
      metrics,
      uncovered,
      hits: current.lines,
      ...(current.branchHits.size > 0 && { branchHits: current.branchHits }),
      ...(current.functionHits.size > 0 && { functionHits: current.functionHits }),
    });
    current = undefined;
  };
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, i) => {
    const line = raw.trim();
    const at = i + 1;
    if (line === '') return;
    if (line === 'end_of_record') {
      if (!current) throw new ReportError(input, file, 'end_of_record without an SF: record', at);
      finish();
      return;
    }
    const m = /^([A-Z]+):(.*)$/.exec(line);
    if (!m)
      throw new ReportError(
        input,
        file,
        `${JSON.stringify(line.slice(0, 60))} is not an lcov line (KEY:value)`,
        at,
      );
    const [, key, value = ''] = m;
    if (key === 'TN' || key === 'VER') return;
    if (key === 'SF') {
      finish();
      current = {
        file: workspacePath(value, ctx.cwd, ctx.workspace),
        lines: new Map(),
        branchHits: new Map(),
        functionHits: new Map(),
      };
      return;
    }
    if (!current) throw new ReportError(input, file, `${key}: comes before any SF: record`, at);
    const n = (s: string | undefined): number => {
      const v = num(s);
      if (v === undefined || v < 0)
        throw new ReportError(
          input,
          file,
          `${key}:${value} has a bad number ${JSON.stringify(s)}`,
          at,
        );
      return v;
    };
    const parts = value.split(',');
    if (key === 'DA') {
      const ln = n(parts[0]);
      current.lines.set(ln, Math.max(current.lines.get(ln) ?? 0, n(parts[1])));
    } else if (key === 'LF') current.lf = n(value);
    else if (key === 'LH') current.lh = n(value);
    else if (key === 'FNF') current.fnf = n(value);
    else if (key === 'FNH') current.fnh = n(value);
    else if (key === 'BRF') current.brf = n(value);
    else if (key === 'BRH') current.brh = n(value);
    else if (key === 'BRDA' && parts.length >= 4) {
      // BRDA:<line>,<block>,<branch>,<taken>; "-" is a branch never reached (0).
      const id = parts.slice(0, 3).join(',');
      const taken = parts[3] === '-' ? 0 : n(parts[3]);
      current.branchHits.set(id, (current.branchHits.get(id) ?? 0) + taken);
    } else if (key === 'FNDA' && parts.length >= 2) {
      const name = parts.slice(1).join(',');
      current.functionHits.set(name, (current.functionHits.get(name) ?? 0) + n(parts[0]));
    }
    // FN, FNL, FNA: the summary keys above carry the counts.
  });
  if (current)
    throw new ReportError(
      input,
      file,
      `the record of ${current.file} has no end_of_record (truncated file?)`,
      lines.findLastIndex((l) => l.trim() !== '') + 1,
    );
  if (files.length === 0) throw new ReportError(input, file, 'has no SF: records');
  return { files };
}

function summaryCounts(
  input: string,
  file: string,
  key: string,
  value: unknown,
): Partial<Record<CoverageMetric, Counts>> {
  const entry = record(value);
  if (!entry) throw new ReportError(input, file, `"${key}" is not an object of metrics`);
  const metrics: Partial<Record<CoverageMetric, Counts>> = {};
  for (const metric of COVERAGE_METRICS) {
    const m = record(entry[metric]);
    if (!m) continue;
    const total = num(m.total);
    const covered = num(m.covered);
    if (total === undefined || covered === undefined)
      throw new ReportError(input, file, `"${key}".${metric} has no numeric total and covered`);
    metrics[metric] = counts(covered, total);
  }
  return metrics;
}

/** istanbul's json-summary: `{ "total": {lines, statements, functions, branches}, "<file>": {…} }`. */
export function parseIstanbulSummary(
  input: string,
  file: string,
  text: string,
  ctx: PathContext,
): CoverageReport {
  const doc = record(parseJsonReport(input, file, text));
  if (doc && !('total' in doc) && record(doc.meta) && record(doc.totals))
    throw new ReportError(
      input,
      file,
      'is coverage.py JSON, which is not read here. Write Cobertura XML (coverage xml) or lcov (coverage lcov) and give that',
    );
  if (!doc || !('total' in doc))
    throw new ReportError(
      input,
      file,
      'is not an istanbul coverage-summary.json (no "total" key). Use the json-summary reporter',
    );
  const totals = summaryCounts(input, file, 'total', doc.total);
  const files = Object.entries(doc)
    .filter(([k]) => k !== 'total')
    .map(([k, v]) => ({
      file: workspacePath(k, ctx.cwd, ctx.workspace),
      metrics: summaryCounts(input, file, k, v),
    }));
  // Totals count only when the summary lists no files (otherwise the files add up to them).
  return files.length ? { files } : { files, totals };
}

/**
 * A Cobertura filename is relative to one of the report's `<source>` roots (coverage.py writes one
 * per package root): the first root under which the file exists, else the first root.
 */
function coberturaPath(name: string, sources: readonly string[], ctx: PathContext): string {
  const roots = sources.map((s) => resolve(ctx.cwd, s));
  // A root from another machine (a downloaded report) does not exist here: then the tool's cwd.
  const root =
    roots.find((r) => existsSync(resolve(r, name))) ?? roots.find((r) => existsSync(r)) ?? ctx.cwd;
  return workspacePath(name, root, ctx.workspace);
}

interface ClassTally {
  lines: Map<number, number>;
  branches: Map<number, Counts>;
  methods: number;
  methodsHit: number;
  hasMethods: boolean;
}

/** Cobertura XML (coverage.py, istanbul, JaCoCo converters, gcovr): per `<class>`, its `<line>` hits. */
export function parseCobertura(
  input: string,
  file: string,
  text: string,
  ctx: PathContext,
): CoverageReport {
  const root = parseXml(input, file, text);
  if (
    root.name === 'coverage' &&
    (root.attrs.clover !== undefined || descendants(root, 'project').length > 0)
  )
    throw new ReportError(
      input,
      file,
      "is Clover XML (jest's default clover reporter), which is not read here. Give the lcov, json-summary or cobertura report of the same run (jest: coverageReporters: ['lcov', 'json-summary'])",
    );
  if (root.name !== 'coverage')
    throw new ReportError(
      input,
      file,
      `is not Cobertura XML: the root element is <${root.name}>, not <coverage>`,
    );
  const sources = descendants(root, 'source')
    .map((s) => s.text)
    .filter((s) => s !== '');
  const byFile = new Map<string, ClassTally>();
  for (const cls of descendants(root, 'class')) {
    const name = cls.attrs.filename;
    if (!name)
      throw new ReportError(
        input,
        file,
        `<class name="${cls.attrs.name ?? ''}"> has no filename attribute`,
      );
    const path = coberturaPath(name, sources, ctx);
    const f: ClassTally = byFile.get(path) ?? {
      lines: new Map(),
      branches: new Map(),
      methods: 0,
      methodsHit: 0,
      hasMethods: false,
    };
    byFile.set(path, f);
    const methodLines = new Set<XmlElement>();
    for (const method of descendants(cls, 'method')) {
      f.hasMethods = true;
      f.methods++;
      const lines = descendants(method, 'line');
      lines.forEach((l) => methodLines.add(l));
      const hits =
        num(method.attrs.hits) ?? Math.max(0, ...lines.map((l) => num(l.attrs.hits) ?? 0));
      if (hits > 0) f.methodsHit++;
    }
    for (const line of descendants(cls, 'line')) {
      if (methodLines.has(line)) continue;
      const number = num(line.attrs.number);
      const hits = num(line.attrs.hits);
      if (number === undefined || hits === undefined)
        throw new ReportError(
          input,
          file,
          `a <line> of ${name} lacks a numeric number or hits attribute`,
        );
      f.lines.set(number, Math.max(f.lines.get(number) ?? 0, hits));
      const cond = /\((\d+)\/(\d+)\)/.exec(line.attrs['condition-coverage'] ?? '');
      if (line.attrs.branch === 'true' && cond)
        f.branches.set(number, counts(Number(cond[1]), Number(cond[2])));
    }
  }
  if (byFile.size === 0 && !root.attrs['lines-valid'])
    throw new ReportError(input, file, 'has no <class> elements and no lines-valid total');
  const files: FileCoverage[] = [...byFile.entries()].map(([path, f]) => {
    const { lines, uncovered } = lineCoverage(f.lines);
    const branches = [...f.branches.values()];
    const metrics: Partial<Record<CoverageMetric, Counts>> = { lines };
    if (branches.length)
      metrics.branches = counts(
        branches.reduce((s, b) => s + b.covered, 0),
        branches.reduce((s, b) => s + b.total, 0),
      );
    if (f.hasMethods) metrics.functions = counts(f.methodsHit, f.methods);
    return { file: path, metrics, uncovered, hits: f.lines };
  });
  const valid = num(root.attrs['lines-valid']);
  const covered = num(root.attrs['lines-covered']);
  const totals: Partial<Record<CoverageMetric, Counts>> | undefined =
    files.length === 0 && valid !== undefined && covered !== undefined
      ? { lines: counts(covered, valid) }
      : undefined;
  return { files, ...(totals && { totals }) };
}

/** Hits of two shards added up by key; undefined unless both list them. */
function addHits(
  a: ReadonlyMap<string, number> | undefined,
  b: ReadonlyMap<string, number> | undefined,
): Map<string, number> | undefined {
  if (!a?.size || !b?.size) return undefined;
  const out = new Map(a);
  for (const [k, n] of b) out.set(k, (out.get(k) ?? 0) + n);
  return out;
}

/** Covered (hit at least once) of all the keys of a hit map. */
const hitCounts = (hits: ReadonlyMap<string, number>): Counts =>
  counts([...hits.values()].filter((n) => n > 0).length, hits.size);

/**
 * Two reports of one file: line hits are added up (test shards), and so are branch and function
 * hits where both list them (lcov's BRDA, FNDA); other counts keep the larger.
 */
function mergeFile(a: FileCoverage, b: FileCoverage): FileCoverage {
  const better = (m: CoverageMetric): Counts | undefined => {
    const x = a.metrics[m];
    const y = b.metrics[m];
    if (!x || !y) return x ?? y;
    return y.total > x.total || (y.total === x.total && y.covered > x.covered) ? y : x;
  };
  const metrics: Partial<Record<CoverageMetric, Counts>> = {};
  for (const m of COVERAGE_METRICS) {
    const c = better(m);
    if (c) metrics[m] = c;
  }
  if (!a.hits?.size || !b.hits?.size)
    return { ...(better('lines') === b.metrics.lines ? b : a), metrics };
  const hits = new Map(a.hits);
  for (const [line, n] of b.hits) hits.set(line, (hits.get(line) ?? 0) + n);
  const { lines, uncovered } = lineCoverage(hits);
  metrics.lines = lines;
  const branchHits = addHits(a.branchHits, b.branchHits);
  if (branchHits) metrics.branches = hitCounts(branchHits);
  const functionHits = addHits(a.functionHits, b.functionHits);
  if (functionHits) metrics.functions = hitCounts(functionHits);
  return {
    file: a.file,
    metrics,
    uncovered,
    hits,
    ...(branchHits && { branchHits }),
    ...(functionHits && { functionHits }),
  };
}

/**
 * Several reports as one. A file in several reports is merged: line hits add up where both list
 * lines (the shards of one test run); otherwise the larger count wins, so one run written by two
 * reporters is not counted twice.
 */
export function mergeCoverage(reports: readonly CoverageReport[]): CoverageReport {
  const byFile = new Map<string, FileCoverage>();
  const summaries: Partial<Record<CoverageMetric, Counts>>[] = [];
  for (const r of reports) {
    if (r.files.length === 0 && r.totals) summaries.push(r.totals);
    for (const f of r.files) {
      const known = byFile.get(f.file);
      byFile.set(f.file, known ? mergeFile(known, f) : f);
    }
  }
  const files = [...byFile.values()].sort((a, b) => a.file.localeCompare(b.file));
  if (summaries.length === 0) return { files };
  // Reports with totals only (a Cobertura root with no classes) add their totals.
  const extra: Partial<Record<CoverageMetric, Counts>> = {};
  for (const s of summaries)
    for (const m of COVERAGE_METRICS) {
      const c = s[m];
      if (c)
        extra[m] = counts((extra[m]?.covered ?? 0) + c.covered, (extra[m]?.total ?? 0) + c.total);
    }
  return { files, totals: extra };
}

/** The totals of a report per metric; a metric no file reports is absent. */
export function totals(report: CoverageReport): Partial<Record<CoverageMetric, Counts>> {
  if (report.files.length === 0) return report.totals ?? {};
  const out: Partial<Record<CoverageMetric, Counts>> = {};
  for (const m of COVERAGE_METRICS) {
    const present = report.files
      .map((f) => f.metrics[m])
      .filter((c): c is Counts => c !== undefined);
    if (present.length)
      out[m] = counts(
        present.reduce((s, c) => s + c.covered, 0),
        present.reduce((s, c) => s + c.total, 0),
      );
  }
  for (const m of COVERAGE_METRICS) {
    const t = report.totals?.[m];
    if (t && out[m]) out[m] = counts(out[m].covered + t.covered, out[m].total + t.total);
    else if (t) out[m] = t;
  }
  return out;
}

/** The exact covered share in percent (what thresholds compare); 100 when there is nothing to cover. */
export function coveredPercent(c: Counts): number {
  return c.total === 0 ? 100 : (c.covered / c.total) * 100;
}

/** A percentage with two decimals, rounded down (what is shown); 100 when there is nothing to cover. */
export function percent(c: Counts): number {
  // covered × 10000 first: 57/100 is 5700 exactly, where 0.57 × 10000 is 5699.99….
  return c.total === 0 ? 100 : Math.floor((c.covered * 10000) / c.total) / 100;
}
