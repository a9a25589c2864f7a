/**
 * Dependency audits: `npm audit --json` (npm 7+ `auditReportVersion: 2`, and npm 6's `advisories`)
 * and SARIF from scanners (Trivy, Grype, osv-scanner), read into advisories with a severity.
 */
import {
  num,
  parseJsonReport,
  record,
  ReportError,
  SEVERITIES,
  type Severity,
  str,
  type Vulnerability,
} from './model.js';
import type { PathContext } from './junit.js';
import { isSarif, parseSarif } from './sarif.js';

export const AUDIT_FORMATS = ['npm', 'sarif'] as const;
export type AuditFormat = (typeof AUDIT_FORMATS)[number];

export function detectAudit(text: string): AuditFormat | undefined {
  try {
    const doc = JSON.parse(text) as unknown;
    if (isSarif(doc)) return 'sarif';
    const d = record(doc);
    return d &&
      ('auditReportVersion' in d || 'advisories' in d || 'vulnerabilities' in d || 'error' in d)
      ? 'npm'
      : undefined;
  } catch {
    return text.trimStart().startsWith('{') ? 'npm' : undefined;
  }
}

/**
 * A severity word: `medium` is npm's `moderate`; the scanners' `negligible`, `unknown` and `none`
 * are `info`; any other word is undefined (the reader then says the report is bad).
 */
export function severityOf(raw: unknown): Severity | undefined {
  const s = typeof raw === 'string' ? raw.toLowerCase() : '';
  if (s === 'medium') return 'moderate';
  if (s === 'negligible' || s === 'unknown' || s === 'none') return 'info';
  return (SEVERITIES as readonly string[]).includes(s) ? (s as Severity) : undefined;
}

const GHSA = /GHSA(?:-[23456789cfghjmpqrvwx]{4}){3}/i;

/** npm audit JSON, both report versions. A failed audit (`{"error": …}`) is an error. */
export function parseNpmAudit(input: string, file: string, text: string): Vulnerability[] {
  const doc = record(parseJsonReport(input, file, text));
  if (!doc) throw new ReportError(input, file, 'is not npm audit JSON (an object)');
  const failure = record(doc.error);
  if (failure || (typeof doc.message === 'string' && typeof doc.statusCode === 'number'))
    throw new ReportError(
      input,
      file,
      `records a failed audit, not a result: ${str(failure?.summary) || str(doc.message) || str(failure?.code) || 'unknown error'}`,
    );
  const out: Vulnerability[] = [];
  const bad = (what: string): never => {
    throw new ReportError(input, file, `${what}: not npm audit JSON`);
  };
  if (record(doc.advisories)) {
    for (const [key, value] of Object.entries(doc.advisories as Record<string, unknown>)) {
      const a = record(value) ?? bad(`advisories.${key} is not an object`);
      const severity =
        severityOf(a.severity) ??
        bad(`advisories.${key}.severity is ${JSON.stringify(a.severity)}`);
      const url = str(a.url);
      const ghsa = str(a.github_advisory_id) ?? GHSA.exec(url ?? '')?.[0];
      const cves = Array.isArray(a.cves)
        ? a.cves.filter((c): c is string => typeof c === 'string')
        : [];
      const id = ghsa ?? cves[0] ?? str(a.id) ?? key;
      const pkg = str(a.module_name);
      out.push({
        id,
        aliases: [...new Set([str(a.id) ?? key, ...(ghsa ? [ghsa] : []), ...cves])].filter(
          (x) => x !== id,
        ),
        severity,
        title: str(a.title) ?? id,
        ...(pkg !== undefined && { package: pkg }),
        ...(url !== undefined && { url }),
      });
    }
    return out;
  }
  const vulns = record(doc.vulnerabilities);
  if (!vulns) {
    if (num(doc.auditReportVersion) !== undefined) return out;
    return bad('it has neither "vulnerabilities" nor "advisories"');
  }
  const seen = new Set<string>();
  for (const [name, value] of Object.entries(vulns)) {
    const v = record(value) ?? bad(`vulnerabilities.${name} is not an object`);
    if (!Array.isArray(v.via)) bad(`vulnerabilities.${name}.via is not a list`);
    for (const via of v.via as unknown[]) {
      const a = record(via);
      if (!a) continue; // a package name: vulnerable through another entry, counted there
      const severity =
        severityOf(a.severity) ??
        bad(`vulnerabilities.${name}.via[].severity is ${JSON.stringify(a.severity)}`);
      const url = str(a.url);
      const ghsa = GHSA.exec(url ?? '')?.[0];
      const source = str(a.source);
      const id = ghsa ?? source ?? `${name}:${str(a.title) ?? 'advisory'}`;
      const pkg = str(a.name) ?? name;
      const key = `${id} ${pkg}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({
        id,
        aliases: source !== undefined && source !== id ? [source] : [],
        severity,
        title: str(a.title) ?? id,
        package: pkg,
        ...(url !== undefined && { url }),
        ...(str(a.range) !== undefined && { location: `${pkg}@${str(a.range)}` }),
      });
    }
  }
  return out;
}

/** The severity of a SARIF finding: `security-severity` (CVSS, GitHub's bands), a severity tag, else the level. */
function sarifSeverity(level: string, rule: Record<string, unknown> | undefined): Severity {
  const props = record(rule?.properties);
  const score = num(props?.['security-severity']);
  if (score !== undefined)
    return score >= 9
      ? 'critical'
      : score >= 7
        ? 'high'
        : score >= 4
          ? 'moderate'
          : score > 0
            ? 'low'
            : 'info';
  const tags = Array.isArray(props?.tags) ? props.tags : [];
  for (const tag of tags) {
    const s = severityOf(tag);
    if (s) return s;
  }
  return level === 'error'
    ? 'high'
    : level === 'warning'
      ? 'moderate'
      : level === 'note'
        ? 'low'
        : 'info';
}

/** SARIF findings as advisories; the same rule at the same place counts once. */
export function parseAuditSarif(
  input: string,
  file: string,
  text: string,
  ctx: PathContext,
): Vulnerability[] {
  const out: Vulnerability[] = [];
  const seen = new Set<string>();
  // A suppressed finding was accepted by the scanner's ignore rules; a notification is no finding.
  for (const r of parseSarif(input, file, text, ctx).filter(
    (x) => !x.suppressed && !x.notification,
  )) {
    const id = r.ruleId ?? r.message.split('\n')[0] ?? 'finding';
    const pkg = /Package: *(\S+)/.exec(r.message)?.[1];
    const key = `${id} ${r.uri ?? ''} ${pkg ?? r.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const desc = str(record(r.rule?.shortDescription)?.text) ?? str(r.rule?.name);
    const help = str(r.rule?.helpUri);
    // Not the rule's name: scanners use it for a category (Trivy: OsPackageVulnerability).
    const aliases = [GHSA.exec(r.message)?.[0]].filter(
      (a): a is string => a !== undefined && a !== id && /^[\w.:-]+$/.test(a),
    );
    out.push({
      id,
      aliases,
      severity: sarifSeverity(r.level, r.rule),
      title: desc ?? r.message.split('\n')[0] ?? id,
      ...(pkg !== undefined && { package: pkg }),
      ...(help !== undefined && { url: help }),
      ...(r.uri !== undefined && { location: r.uri }),
    });
  }
  return out;
}
