import { detectAudit, parseAuditSarif, parseNpmAudit, severityOf } from '../src/audit.js';
import type { Severity, Vulnerability } from '../src/model.js';
import { CTX, recorded, reportError } from '../../../test/support/quality-reports.js';

const bySeverity = (vs: readonly Vulnerability[]): Partial<Record<Severity, number>> => {
  const out: Partial<Record<Severity, number>> = {};
  for (const v of vs) out[v.severity] = (out[v.severity] ?? 0) + 1;
  return out;
};

describe('parseNpmAudit: npm 7+ (auditReportVersion 2), recorded', () => {
  const vulns = parseNpmAudit('audit', 'audit.json', recorded('npm-audit-v2.json'));

  test('11 unique advisories: critical 1, high 4, moderate 4, low 2', () => {
    expect(vulns).toHaveLength(11);
    expect(bySeverity(vulns)).toEqual({ critical: 1, high: 4, moderate: 4, low: 2 });
    expect(new Set(vulns.map((v) => v.aliases[0])).size).toBe(11);
  });

  test('lodash: its 5 advisories, each with its own severity; the critical one is 1006231', () => {
    const lodash = vulns.filter((v) => v.package === 'lodash');
    expect(lodash.map((v) => [v.id, v.aliases, v.severity])).toEqual([
      ['GHSA-35jh-r3h4-6jhm', ['1005365'], 'high'],
      ['GHSA-p6mc-m468-83gw', ['1006094'], 'high'],
      ['GHSA-jf85-cpcp-j695', ['1006231'], 'critical'],
      ['GHSA-x5rq-j2xg-h7qm', ['1006298'], 'moderate'],
      ['GHSA-fvqr-27wr-82fm', ['1006517'], 'low'],
    ]);
    expect(lodash[2]).toEqual({
      id: 'GHSA-jf85-cpcp-j695',
      aliases: ['1006231'],
      severity: 'critical',
      title: 'Prototype Pollution in lodash',
      package: 'lodash',
      url: 'https://github.com/advisories/GHSA-jf85-cpcp-j695',
      location: 'lodash@<4.17.12',
    });
  });

  test('glob-parent and underscore are high with their own advisories', () => {
    const high = vulns.filter((v) => v.severity === 'high' && v.package !== 'lodash');
    expect(high.map((v) => [v.package, v.id, v.aliases])).toEqual([
      ['glob-parent', 'GHSA-ww39-953v-wcq6', ['1005154']],
      ['underscore', 'GHSA-cf4h-3jhx-xvhq', ['1005367']],
    ]);
    expect(high[1]!.title).toBe('Arbitrary Code Execution in underscore');
  });

  test('packages vulnerable only through others (string via) are not counted', () => {
    const packages = new Set(vulns.map((v) => v.package));
    expect([...packages].sort()).toEqual([
      'ansi-regex',
      'braces',
      'glob-parent',
      'lodash',
      'mem',
      'underscore',
      'yargs-parser',
    ]);
    for (const p of ['babel-cli', 'chokidar', 'cli-table2', 'gulp', 'nsp', 'anymatch', 'yargs'])
      expect(packages.has(p)).toBe(false);
  });
});

describe('parseNpmAudit: npm 6 (advisories), recorded', () => {
  test('cryo: the GHSA is the id; the npm number and the CVE are aliases', () => {
    expect(parseNpmAudit('audit', 'audit.json', recorded('npm-audit-v1.json'))).toEqual([
      {
        id: 'GHSA-38f5-ghc2-fcmv',
        aliases: ['1039985', 'CVE-2018-3784'],
        severity: 'high',
        title: 'Code Injection in cryo',
        package: 'cryo',
        url: 'https://github.com/advisories/GHSA-38f5-ghc2-fcmv',
      },
    ]);
  });

  test('older advisories: the GHSA from the url, else the CVE, else the npm number', () => {
    const doc = {
      advisories: {
        '1': {
          id: 1,
          module_name: 'a',
          severity: 'moderate',
          url: 'https://github.com/advisories/GHSA-vh95-rmgr-6w4m',
          title: 'A',
        },
        '1179': {
          id: 1179,
          module_name: 'minimist',
          severity: 'low',
          cves: ['CVE-2020-7598'],
          url: 'https://npmjs.com/advisories/1179',
          title: 'Prototype Pollution',
        },
        '7': { id: 7, module_name: 'c', severity: 'info', cves: [] },
      },
    };
    expect(
      parseNpmAudit('audit', 'a.json', JSON.stringify(doc)).map((v) => [
        v.id,
        v.aliases,
        v.severity,
        v.title,
      ]),
    ).toEqual([
      ['GHSA-vh95-rmgr-6w4m', ['1'], 'moderate', 'A'],
      ['7', [], 'info', '7'],
      ['CVE-2020-7598', ['1179'], 'low', 'Prototype Pollution'],
    ]);
  });
});

describe('parseNpmAudit: no findings and failures', () => {
  test('a clean v2 report, and one without a vulnerabilities key, have none', () => {
    const clean = {
      auditReportVersion: 2,
      vulnerabilities: {},
      metadata: {
        vulnerabilities: { info: 0, low: 0, moderate: 0, high: 0, critical: 0, total: 0 },
      },
    };
    expect(parseNpmAudit('audit', 'a.json', JSON.stringify(clean))).toEqual([]);
    expect(parseNpmAudit('audit', 'a.json', '{"auditReportVersion": 2}')).toEqual([]);
    expect(parseNpmAudit('audit', 'a.json', '{"advisories": {}}')).toEqual([]);
  });

  test('v2: the same advisory reached twice in one package is counted once', () => {
    const via = {
      source: 1,
      name: 'x',
      severity: 'high',
      title: 'T',
      url: 'https://github.com/advisories/GHSA-2222-3333-4444',
      range: '<2',
    };
    const doc = { auditReportVersion: 2, vulnerabilities: { x: { via: [via, via, 'y'] } } };
    expect(parseNpmAudit('audit', 'a.json', JSON.stringify(doc))).toEqual([
      {
        id: 'GHSA-2222-3333-4444',
        aliases: ['1'],
        severity: 'high',
        title: 'T',
        package: 'x',
        url: 'https://github.com/advisories/GHSA-2222-3333-4444',
        location: 'x@<2',
      },
    ]);
  });

  test.each<[string, string, string]>([
    [
      'npm error document (ENOAUDIT)',
      JSON.stringify({
        error: {
          code: 'ENOAUDIT',
          summary:
            'Your configured registry (https://registry.example.com/) does not support audit requests.',
          detail: '',
        },
      }),
      'input "audit": audit.json: records a failed audit, not a result: Your configured registry (https://registry.example.com/) does not support audit requests.',
    ],
    [
      'npm error document with a code only',
      '{"error": {"code": "ENOLOCK"}}',
      'input "audit": audit.json: records a failed audit, not a result: ENOLOCK',
    ],
    [
      'the recorded 405 from a registry without the audit endpoint',
      recorded('npm-audit-offline-error.json'),
      'input "audit": audit.json: records a failed audit, not a result: 405 Method Not Allowed - POST https://registry.npmjs.org/-/npm/v1/security/advisories/bulk',
    ],
    [
      'the 405 shape without an error key',
      JSON.stringify({
        message:
          '405 Method Not Allowed - POST https://registry.example/-/npm/v1/security/advisories/bulk',
        method: 'POST',
        statusCode: 405,
        body: '',
      }),
      'input "audit": audit.json: records a failed audit, not a result: 405 Method Not Allowed - POST https://registry.example/-/npm/v1/security/advisories/bulk',
    ],
    [
      'an object of something else',
      '{"name": "app", "version": "1.0.0"}',
      'input "audit": audit.json: it has neither "vulnerabilities" nor "advisories": not npm audit JSON',
    ],
    ['a list', '[]', 'input "audit": audit.json: is not npm audit JSON (an object)'],
    [
      'a bad severity',
      '{"auditReportVersion": 2, "vulnerabilities": {"x": {"via": [{"source": 1, "severity": "urgent"}]}}}',
      'input "audit": audit.json: vulnerabilities.x.via[].severity is "urgent": not npm audit JSON',
    ],
    [
      'via not a list',
      '{"auditReportVersion": 2, "vulnerabilities": {"x": {"via": "y"}}}',
      'input "audit": audit.json: vulnerabilities.x.via is not a list: not npm audit JSON',
    ],
    [
      'a bad v1 severity',
      '{"advisories": {"5": {"severity": 3}}}',
      'input "audit": audit.json: advisories.5.severity is 3: not npm audit JSON',
    ],
  ])('%s: an error', (_what, text, message) => {
    const e = reportError(() => parseNpmAudit('audit', 'audit.json', text));
    expect(e.message).toBe(message);
    expect(e.input).toBe('audit');
  });
});

describe('parseAuditSarif', () => {
  test('recorded Trivy image scan: CVE-2021-36159, critical, in apk-tools', () => {
    const [v, ...rest] = parseAuditSarif('audit', 'trivy.sarif', recorded('trivy.sarif'), CTX);
    expect(rest).toEqual([]);
    expect(v).toMatchObject({
      id: 'CVE-2021-36159',
      severity: 'critical',
      title: 'CVE-2021-36159',
      package: 'apk-tools',
      url: 'https://avd.aquasec.com/nvd/cve-2021-36159',
      location: 'library/alpine',
    });
  });

  test('recorded Trivy config scan: 9 findings in main.tf by security-severity band', () => {
    const vulns = parseAuditSarif('audit', 'trivy.sarif', recorded('trivy-misconfig.sarif'), CTX);
    expect(vulns).toHaveLength(9);
    expect(bySeverity(vulns)).toEqual({ high: 6, moderate: 1, low: 2 });
    expect(vulns.filter((v) => v.severity === 'high').map((v) => v.id)).toEqual([
      'AVD-AWS-0086',
      'AVD-AWS-0087',
      'AVD-AWS-0088',
      'AVD-AWS-0091',
      'AVD-AWS-0093',
      'AVD-AWS-0132',
    ]);
    expect(vulns.find((v) => v.id === 'AVD-AWS-0090')!.severity).toBe('moderate');
    expect(vulns.filter((v) => v.severity === 'low').map((v) => v.id)).toEqual([
      's3-bucket-logging',
      'AVD-AWS-0094',
    ]);
    expect(vulns.every((v) => v.location === 'main.tf' && v.package === undefined)).toBe(true);
    expect(vulns[0]!.title).toBe('S3 Access block should block public ACL');
  });

  const scan = (rules: unknown[], results: unknown[]) =>
    JSON.stringify({
      version: '2.1.0',
      runs: [{ tool: { driver: { name: 'Scanner', rules } }, results }],
    });

  test.each<[string, Record<string, unknown>, string, Severity]>([
    ['score 10', { 'security-severity': '10.0' }, 'note', 'critical'],
    ['score 9.0', { 'security-severity': '9.0' }, 'note', 'critical'],
    ['score 8.9', { 'security-severity': '8.9' }, 'error', 'high'],
    ['score 7.0', { 'security-severity': '7.0' }, 'note', 'high'],
    ['score 6.9', { 'security-severity': '6.9' }, 'error', 'moderate'],
    ['score 4.0', { 'security-severity': '4.0' }, 'error', 'moderate'],
    ['score 3.9', { 'security-severity': '3.9' }, 'error', 'low'],
    ['score 0.1', { 'security-severity': '0.1' }, 'error', 'low'],
    ['score 0', { 'security-severity': '0' }, 'error', 'info'],
    ['a tag, no score', { tags: ['security', 'MEDIUM'] }, 'error', 'moderate'],
    ['level error, nothing else', {}, 'error', 'high'],
    ['level warning', {}, 'warning', 'moderate'],
    ['level note', {}, 'note', 'low'],
    ['level none', {}, 'none', 'info'],
  ])('severity from %s', (_what, properties, level, severity) => {
    const text = scan(
      [{ id: 'R1', properties }],
      [{ ruleId: 'R1', level, message: { text: 'found' } }],
    );
    expect(parseAuditSarif('audit', 's.sarif', text, CTX)[0]!.severity).toBe(severity);
  });

  test('the same rule, place and package counts once; another package counts again', () => {
    const result = (pkg: string) => ({
      ruleId: 'CVE-2024-0001',
      level: 'error',
      message: { text: `Package: ${pkg}\nInstalled Version: 1.0` },
      locations: [{ physicalLocation: { artifactLocation: { uri: 'package-lock.json' } } }],
    });
    const vulns = parseAuditSarif(
      'audit',
      's.sarif',
      scan([], [result('left-pad'), result('left-pad'), result('right-pad')]),
      CTX,
    );
    expect(vulns.map((v) => [v.id, v.package, v.location, v.severity])).toEqual([
      ['CVE-2024-0001', 'left-pad', 'package-lock.json', 'high'],
      ['CVE-2024-0001', 'right-pad', 'package-lock.json', 'high'],
    ]);
  });

  test('a GHSA in the message is an alias; a result without a rule id is named by its message', () => {
    const vulns = parseAuditSarif(
      'audit',
      's.sarif',
      scan(
        [],
        [
          {
            ruleId: 'CVE-2022-24999',
            level: 'warning',
            message: { text: 'qs vulnerable to Prototype Pollution (GHSA-hrpp-h998-j3pp)' },
          },
          { level: 'note', message: { text: 'weak cipher\nmore text' } },
        ],
      ),
      CTX,
    );
    expect(vulns[0]).toMatchObject({ id: 'CVE-2022-24999', aliases: ['GHSA-hrpp-h998-j3pp'] });
    expect(vulns[1]).toMatchObject({ id: 'weak cipher', title: 'weak cipher', severity: 'low' });
  });

  test('not SARIF: an error', () => {
    expect(reportError(() => parseAuditSarif('audit', 's.sarif', '{}', CTX)).message).toBe(
      'input "audit": s.sarif: is not SARIF (no "version" and "runs")',
    );
  });
});

describe('detectAudit', () => {
  test.each<[string, string, string | undefined]>([
    ['Trivy SARIF', recorded('trivy.sarif'), 'sarif'],
    ['npm v2', recorded('npm-audit-v2.json'), 'npm'],
    ['npm v1', recorded('npm-audit-v1.json'), 'npm'],
    ['the 405 error document', recorded('npm-audit-offline-error.json'), 'npm'],
    ['an npm error document', '{"error": {"code": "ENOAUDIT"}}', 'npm'],
    ['broken JSON object', '{"auditReportVersion": 2,', 'npm'],
    ['another JSON object', '{"name": "x"}', undefined],
    ['text', 'found 0 vulnerabilities', undefined],
  ])('%s', (_what, text, format) => {
    expect(detectAudit(text)).toBe(format);
  });
});

describe('severityOf', () => {
  test.each<[unknown, Severity | undefined]>([
    ['critical', 'critical'],
    ['CRITICAL', 'critical'],
    ['High', 'high'],
    ['moderate', 'moderate'],
    ['medium', 'moderate'],
    ['MEDIUM', 'moderate'],
    ['low', 'low'],
    ['info', 'info'],
    ['negligible', 'info'],
    ['Unknown', 'info'],
    ['none', 'info'],
    ['severe', undefined],
    ['', undefined],
    [3, undefined],
    [undefined, undefined],
  ])('%j → %s', (raw, severity) => {
    expect(severityOf(raw)).toBe(severity);
  });
});

describe('SARIF rule names are not advisory ids', () => {
  test("Trivy's rule name (a category) does not allowlist every finding", () => {
    const found = parseAuditSarif('audit', 'm.sarif', recorded('trivy-misconfig.sarif'), {
      cwd: '/ws',
      workspace: '/ws',
    });
    expect(found.length).toBeGreaterThan(0);
    expect(found.flatMap((v) => v.aliases)).not.toContain('Misconfiguration');
  });
});
