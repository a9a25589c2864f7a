/**
 * What every answer of the fake carries (GitHub's standard headers), who may call it (tokens and their
 * permissions), and the faults a test scripts with `failNext`: bad gateways, rate limits, delays.
 */
import { randomBytes } from 'node:crypto';

/** A token's permissions, GitHub App style: `{ deployments: 'write', contents: 'read' }`. */
export type Permissions = Readonly<Record<string, 'read' | 'write'>>;

/** How a scripted fault answers. `{ delay }` holds the request that long, then serves it normally. */
export type FaultAnswer =
  'bad-gateway' | 'secondary-rate-limit' | 'primary-rate-limit' | { readonly delay: number };

/** Which requests a fault hits and how often. */
export interface FaultRule {
  /** HTTP method; any when left out. */
  readonly method?: string;
  /** An OpenAPI path template (`/repos/{owner}/{repo}/deployments`), a literal path, or a RegExp on the path. */
  readonly path?: string | RegExp;
  /** How many matching requests get the fault (1–1000, default 1). */
  readonly times?: number;
  readonly answer: FaultAnswer;
}

/** A canned answer: status, headers and GitHub's JSON body. */
export interface CannedAnswer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly body: Record<string, unknown>;
}

const RATE_DOCS = 'https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api';

/** Scripted faults, consumed in the order they were added. */
export class Faults {
  private readonly rules: { rule: FaultRule; left: number }[] = [];

  add(rule: FaultRule): void {
    const times = rule.times ?? 1;
    if (!Number.isInteger(times) || times < 1 || times > 1000) {
      throw new Error(`failNext: times must be an integer from 1 to 1000, got ${times}`);
    }
    if (
      typeof rule.answer === 'object' &&
      !(rule.answer.delay >= 0 && rule.answer.delay <= 30_000)
    ) {
      throw new Error(`failNext: delay must be 0–30000 ms, got ${rule.answer.delay}`);
    }
    this.rules.push({ rule, left: times });
  }

  /** The fault for this request, if one matches; each match uses up one of its `times`. */
  take(method: string, path: string, template: string | undefined): FaultAnswer | undefined {
    const found = this.rules.find(({ rule }) => {
      if (rule.method && rule.method.toUpperCase() !== method) return false;
      if (rule.path === undefined) return true;
      return typeof rule.path === 'string'
        ? rule.path === template || rule.path === path
        : rule.path.test(path);
    });
    if (!found) return undefined;
    found.left -= 1;
    if (found.left === 0) this.rules.splice(this.rules.indexOf(found), 1);
    return found.rule.answer;
  }
}

/** GitHub's answer for a fault, rate-limit headers and messages as GitHub sends them. */
export function faultAnswer(
  answer: Exclude<FaultAnswer, { delay: number }>,
  requestId: string,
  nowMs: number,
): CannedAnswer {
  const reset = String(Math.ceil(nowMs / 1000) + 1);
  switch (answer) {
    case 'bad-gateway':
      return { status: 502, headers: {}, body: { message: 'Server Error' } };
    case 'secondary-rate-limit':
      return {
        status: 403,
        headers: { 'retry-after': '1' },
        body: {
          message: `You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID ${requestId}.`,
          documentation_url: `${RATE_DOCS}#about-secondary-rate-limits`,
          status: '403',
        },
      };
    case 'primary-rate-limit':
      return {
        status: 403,
        headers: {
          'x-ratelimit-remaining': '0',
          'x-ratelimit-used': '5000',
          'x-ratelimit-reset': reset,
        },
        body: {
          message: 'API rate limit exceeded for installation ID 1.',
          documentation_url: `${RATE_DOCS}#about-primary-rate-limits`,
          status: '403',
        },
      };
  }
}

/** The headers every GitHub REST answer carries; `used` counts the requests served so far. */
export function standardHeaders(
  requestId: string,
  used: number,
  nowMs: number,
): Record<string, string> {
  return {
    'content-type': 'application/json; charset=utf-8',
    'x-github-media-type': 'github.v3; format=json',
    'x-github-api-version-selected': '2022-11-28',
    'x-github-request-id': requestId,
    'x-ratelimit-limit': '5000',
    'x-ratelimit-remaining': String(Math.max(0, 5000 - used)),
    'x-ratelimit-reset': String(Math.ceil(nowMs / 1000) + 3600),
    'x-ratelimit-used': String(used),
    'x-ratelimit-resource': 'core',
  };
}

/** A request id in GitHub's format (`C0DE:1A2B:3C4D5E:6F7A8B:675A1B2C`). */
export function requestId(): string {
  const hex = (n: number): string => randomBytes(n).toString('hex').toUpperCase();
  return `${hex(2)}:${hex(2)}:${hex(3)}:${hex(3)}:${hex(4)}`;
}

/**
 * The token of an `Authorization: token X` or `Bearer X` header, or GitHub's 401 when it is missing or
 * unknown.
 */
export function authenticate(
  header: string | undefined,
  tokens: Readonly<Record<string, Permissions>>,
): { token: string; permissions: Permissions } | CannedAnswer {
  const m = /^(?:token|bearer)\s+(\S+)\s*$/i.exec(header ?? '');
  const unauthorized = (message: string): CannedAnswer => ({
    status: 401,
    headers: {},
    body: { message, documentation_url: 'https://docs.github.com/rest', status: '401' },
  });
  if (!m?.[1]) return unauthorized('Requires authentication');
  const permissions = tokens[m[1]];
  return permissions ? { token: m[1], permissions } : unauthorized('Bad credentials');
}

/** Whether `permissions` grant `level` on `name` (write implies read). */
export function allows(permissions: Permissions, name: string, level: 'read' | 'write'): boolean {
  const have = permissions[name];
  return have === 'write' || (have === 'read' && level === 'read');
}
