/**
 * GitHub's official OpenAPI description (from `@octokit/openapi`) as the fake's contract: it finds the
 * operation a request is for and validates parameters, request bodies and the fake's own answers.
 * The document is read once per module; validators are compiled lazily, one operation at a time, and kept.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import ajvFormats from 'ajv-formats';

type Json = Record<string, unknown>;

interface Parameter {
  readonly name: string;
  readonly in: 'path' | 'query' | 'header' | 'cookie';
  readonly required?: boolean;
  readonly schema?: Json;
}

/** One documented operation: its method, path template and OpenAPI object. */
export interface Operation {
  readonly method: string;
  readonly template: string;
  readonly operationId: string;
  readonly docsUrl: string;
  readonly raw: Json;
}

/** A request matched to an operation, with its path parameters decoded. */
export interface RouteMatch {
  readonly operation: Operation;
  readonly params: Record<string, string>;
}

interface Route {
  readonly template: string;
  readonly regex: RegExp;
  readonly names: string[];
  readonly literals: number;
  readonly methods: Record<string, Operation>;
}

const SCHEMA_BASE = 'https://openapi.github-fake.test/schemas/';
const DOCUMENT = '@octokit/openapi/generated/api.github.com.json';

let loaded: { doc: Json; routes: Route[] } | undefined;
const validators = new Map<string, ValidateFunction | undefined>();
const registered = new Set<string>();

/** Bodies and answers: exact types. Parameters arrive as strings, so they are coerced. */
const ajv = new Ajv({ strict: false, allErrors: true, logger: false });
const ajvParams = new Ajv({ strict: false, allErrors: true, logger: false, coerceTypes: true });
for (const a of [ajv, ajvParams]) {
  ajvFormats.default(a);
  // The API writes "" for an unset URL (the docs give `Default: ""` for target_url, log_url, ...),
  // which the description still types `format: uri`; accept "" so real GitHub answers pass too.
  a.addFormat('uri', (value: string) => value === '' || /^[a-z][a-z0-9+.-]*:[^\s]*$/i.test(value));
}

function load(): { doc: Json; routes: Route[] } {
  if (loaded) return loaded;
  const file = createRequire(import.meta.url).resolve(DOCUMENT);
  const doc = JSON.parse(readFileSync(file, 'utf8')) as Json;
  const routes: Route[] = [];
  for (const [template, item] of Object.entries(doc.paths as Record<string, Json>)) {
    const names: string[] = [];
    let literals = 0;
    const pattern = template.replace(/\{([^}]+)\}|[^{]+/g, (part, name?: string) => {
      if (name) {
        names.push(name);
        return '([^/]+)';
      }
      literals += part.length;
      return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    });
    const methods: Record<string, Operation> = {};
    for (const [method, raw] of Object.entries(item)) {
      if (method === 'parameters' || typeof raw !== 'object' || raw === null) continue;
      const op = raw as Json;
      const docs =
        (op.externalDocs as { url?: string } | undefined)?.url ?? 'https://docs.github.com/rest';
      methods[method.toUpperCase()] = {
        method: method.toUpperCase(),
        template,
        operationId: String(op.operationId),
        docsUrl: docs,
        raw: op,
      };
    }
    routes.push({ template, regex: new RegExp(`^${pattern}$`), names, literals, methods });
  }
  loaded = { doc, routes };
  return loaded;
}

/**
 * The operation for `method` and `path`; `undefined` when no path template matches, `'method'` when a
 * template matches but the method is not documented for it. The most literal template wins
 * (`/compare/{base}...{head}` over `/compare/{basehead}`).
 */
export function matchRoute(method: string, path: string): RouteMatch | 'method' | undefined {
  let best: { route: Route; values: string[] } | undefined;
  for (const route of load().routes) {
    const m = route.regex.exec(path);
    if (m && (!best || route.literals > best.route.literals)) best = { route, values: m.slice(1) };
  }
  if (!best) return undefined;
  const operation = best.route.methods[method];
  if (!operation) return 'method';
  const params: Record<string, string> = {};
  best.route.names.forEach((name, i) => (params[name] = decodeURIComponent(best.values[i] ?? '')));
  return { operation, params };
}

function deref<T>(value: unknown): T {
  let v = value as Json;
  while (typeof v.$ref === 'string') {
    v = v.$ref
      .slice(2)
      .split('/')
      .reduce<Json>((o, k) => o[k] as Json, load().doc);
  }
  return v as T;
}

/**
 * OpenAPI 3.0 schema → JSON Schema for ajv: `nullable: true` becomes a `null` type (or an `anyOf` with
 * null when there is no `type`), and each `#/components/schemas/x` it references is registered once.
 */
function convert(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(convert);
  if (typeof schema !== 'object' || schema === null) return schema;
  const out: Json = {};
  for (const [key, value] of Object.entries(schema as Json)) {
    if (key === 'example' || key === 'examples' || key === 'default' || key === 'nullable')
      continue;
    if (key === '$ref' && typeof value === 'string') {
      const name = value.replace('#/components/schemas/', '');
      register(name);
      out.$ref = SCHEMA_BASE + name;
    } else {
      out[key] = key === 'enum' || key === 'required' ? value : convert(value);
    }
  }
  if ((schema as Json).nullable !== true) return out;
  if (typeof out.type === 'string') {
    out.type = [out.type, 'null'];
    if (Array.isArray(out.enum) && !out.enum.includes(null))
      out.enum = [...(out.enum as unknown[]), null];
    return out;
  }
  return { anyOf: [out, { type: 'null' }] };
}

function register(name: string): void {
  if (registered.has(name)) return;
  registered.add(name);
  const schemas = (load().doc.components as Json).schemas as Json;
  const schema = convert(schemas[name]) as Json;
  for (const a of [ajv, ajvParams]) a.addSchema({ ...schema, $id: SCHEMA_BASE + name });
}

function compiled(
  key: string,
  build: () => Json | undefined,
  params = false,
): ValidateFunction | undefined {
  if (!validators.has(key)) {
    const schema = build();
    validators.set(key, schema && (params ? ajvParams : ajv).compile(schema));
  }
  return validators.get(key);
}

/** ajv's errors as one readable line: `body/state must be equal to one of the allowed values [...]`. */
function explain(errors: ErrorObject[] | null | undefined, root: string): string {
  return (errors ?? [])
    .map((e) => {
      const allowed =
        'allowedValues' in e.params ? ` ${JSON.stringify(e.params.allowedValues)}` : '';
      return `${root}${e.instancePath} ${e.message ?? 'is invalid'}${allowed}`;
    })
    .join('; ');
}

function parametersOf(op: Operation, where: 'path' | 'query'): Parameter[] {
  return ((op.raw.parameters as unknown[] | undefined) ?? [])
    .map((p) => deref<Parameter>(p))
    .filter((p) => p.in === where);
}

/**
 * Validates (and coerces in place, `"30"` → 30) the path or query parameters. Returns what is wrong, or
 * an empty list. Query parameters the operation does not document are reported too.
 */
export function checkParameters(
  op: Operation,
  where: 'path' | 'query',
  values: Record<string, unknown>,
): string[] {
  const documented = parametersOf(op, where);
  const validate = compiled(
    `${op.operationId} ${where}`,
    () => ({
      type: 'object',
      properties: Object.fromEntries(documented.map((p) => [p.name, convert(p.schema ?? {})])),
      required: documented.filter((p) => p.required || p.in === 'path').map((p) => p.name),
    }),
    true,
  );
  const problems: string[] = [];
  const names = new Set(documented.map((p) => p.name));
  for (const key of Object.keys(values))
    if (!names.has(key)) problems.push(`${where} parameter "${key}" is not documented`);
  if (validate && !validate(values)) problems.push(explain(validate.errors, where));
  return problems;
}

/** The `application/json` schema of a request body or response object, if it has one. */
function jsonSchemaOf(container: unknown): unknown {
  if (!container) return undefined;
  const content = deref<Json>(container).content as Record<string, Json | undefined> | undefined;
  return content?.['application/json']?.schema;
}

/** Validates a request body against the operation's JSON request body; `[]` when it conforms. */
export function checkRequestBody(op: Operation, body: unknown): string[] {
  const validate = compiled(`${op.operationId} request`, () => {
    const schema = jsonSchemaOf(op.raw.requestBody);
    return schema ? (convert(schema) as Json) : undefined;
  });
  if (!validate) return body === undefined ? [] : ['the operation takes no request body'];
  if (body === undefined)
    return (op.raw.requestBody as Json).required ? ['the request body is required'] : [];
  return validate(body) ? [] : [explain(validate.errors, 'body')];
}

/**
 * Validates one of the fake's answers against the response documented for `status`. An error status the
 * operation does not list (GitHub answers 404 or 422 on most routes) must still have the basic error shape.
 */
export function checkResponse(op: Operation, status: number, body: unknown): string[] {
  const responses = op.raw.responses as Record<string, unknown>;
  const documented = responses[String(status)];
  if (!documented && status < 400) return [`status ${status} is not documented`];
  const validate = compiled(`${op.operationId} ${status}`, () => {
    const schema = jsonSchemaOf(documented);
    if (schema) return convert(schema) as Json;
    if (status < 400) return undefined;
    register('basic-error');
    return { $ref: `${SCHEMA_BASE}basic-error` };
  });
  if (!validate) return body === undefined ? [] : [`status ${status} documents no body`];
  return validate(body) ? [] : [explain(validate.errors, `response ${status}`)];
}
