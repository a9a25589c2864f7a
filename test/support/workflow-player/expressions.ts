/**
 * `${{ }}` evaluation with GitHub's own expression library (`@actions/expressions`): its Lexer, Parser
 * and Evaluator, plus the status functions (`success()`, `failure()`, `always()`, `cancelled()`) the
 * runner adds. Template tokens from `@actions/workflow-parser` (literals, expressions, mappings,
 * sequences) are evaluated to plain values here.
 */
import { Evaluator, Lexer, Parser, data } from '@actions/expressions';
import {
  ContextAccess,
  type Expr,
  FunctionCall,
  Binary,
  Grouping,
  IndexAccess,
  Logical,
  Unary,
} from '@actions/expressions/ast';
import type { FunctionDefinition } from '@actions/expressions/funcs/info';
import { TokenType, type Token } from '@actions/expressions/lexer';
import { truthy } from '@actions/expressions/result';
import {
  isBasicExpression,
  isBoolean,
  isMapping,
  isNumber,
  isSequence,
  isString,
} from '@actions/workflow-parser';
import type { TemplateToken } from '@actions/workflow-parser/templates/tokens/template-token';

/** A JSON-like value: what an evaluated expression or template token becomes. */
export type Value = string | number | boolean | null | Value[] | { [key: string]: Value };

/** The status functions' view of "what happened so far" (job level: the needs chain; step level: the job). */
export interface Status {
  readonly success: boolean;
  readonly failure: boolean;
  readonly cancelled: boolean;
}

/** Everything an expression can read. Contexts a scope doesn't have are empty objects. */
export interface Contexts {
  readonly [name: string]: unknown;
}

export const CONTEXT_NAMES = [
  'github',
  'inputs',
  'vars',
  'secrets',
  'needs',
  'steps',
  'jobs',
  'job',
  'runner',
  'env',
  'strategy',
  'matrix',
] as const;

/** Contexts whose values exist only while the workflow runs (their expressions are deferred by the plan). */
export const RUNTIME_CONTEXTS: ReadonlySet<string> = new Set([
  'matrix',
  'strategy',
  'needs',
  'steps',
  'jobs',
  'job',
  'runner',
  'env',
]);

const STATUS_FUNCTIONS = ['success', 'failure', 'always', 'cancelled'] as const;

/**
 * Lexes an expression. @actions/expressions 0.3.61 unescapes only the first `''` of a string literal
 * (`value.replace("''", "'")`), so `echo '${{ x }}'` would come out `echo 'v''`; GitHub's runner
 * unescapes them all, so string tokens are re-read from their lexeme here.
 */
function lex(expression: string): Token[] {
  const { tokens } = new Lexer(expression).lex();
  for (const t of tokens)
    if (t.type === TokenType.STRING) t.value = t.lexeme.slice(1, -1).replaceAll("''", "'");
  return tokens;
}

function parse(expression: string): Expr {
  const tokens = lex(expression);
  const functions = [...STATUS_FUNCTIONS, 'hashfiles'].map((name) => ({
    name,
    minArgs: 0,
    maxArgs: name === 'hashfiles' ? 255 : 0,
  }));
  return new Parser(tokens, [...CONTEXT_NAMES], functions).parse();
}

function statusFunctions(status: Status): Map<string, FunctionDefinition> {
  const fn = (name: string, value: () => boolean): [string, FunctionDefinition] => [
    name,
    { name, minArgs: 0, maxArgs: 0, call: () => new data.BooleanData(value()) },
  ];
  return new Map([
    fn('success', () => status.success && !status.cancelled),
    fn('failure', () => status.failure),
    fn('always', () => true),
    fn('cancelled', () => status.cancelled),
    [
      'hashfiles',
      {
        name: 'hashFiles',
        minArgs: 1,
        maxArgs: 255,
        call: () => {
          throw new Error('workflow-player: hashFiles() is not supported');
        },
      },
    ],
  ]);
}

function toData(contexts: Contexts): data.Dictionary {
  const plain: Record<string, unknown> = {};
  for (const name of CONTEXT_NAMES) plain[name] = contexts[name] ?? {};
  return JSON.parse(JSON.stringify(plain), data.reviver) as data.Dictionary;
}

function toValue(d: data.ExpressionData): Value {
  return JSON.parse(JSON.stringify(d, data.replacer) ?? 'null') as Value;
}

const NO_STATUS: Status = { success: true, failure: false, cancelled: false };

/** Evaluates one expression (without `${{ }}`) to its raw expression data. */
export function evaluateData(
  expression: string,
  contexts: Contexts,
  status: Status = NO_STATUS,
): data.ExpressionData {
  return new Evaluator(parse(expression), toData(contexts), statusFunctions(status)).evaluate();
}

/** Evaluates a condition the way `if:` is evaluated: the result's truthiness. */
export function evaluateCondition(expression: string, contexts: Contexts, status: Status): boolean {
  return truthy(evaluateData(expression, contexts, status));
}

/** The context names an expression reads (`needs`, `steps`, …). */
export function contextsRead(expression: string): Set<string> {
  const found = new Set<string>();
  const walk = (e: Expr | undefined): void => {
    if (!e) return;
    if (e instanceof ContextAccess) found.add(e.name.lexeme.toLowerCase());
    else if (e instanceof FunctionCall) e.args.forEach(walk);
    else if (e instanceof Logical) e.args.forEach(walk);
    else if (e instanceof Binary) [e.left, e.right].forEach(walk);
    else if (e instanceof Unary) walk(e.expr);
    else if (e instanceof Grouping) walk(e.group);
    else if (e instanceof IndexAccess) [e.expr, e.index].forEach(walk);
  };
  walk(parse(expression));
  return found;
}

/** A token as written: a literal's value, an expression's `${{ }}` source. */
export function sourceText(token: TemplateToken): string {
  if (isBasicExpression(token)) return token.source ?? token.toString();
  if (isString(token) || isBoolean(token) || isNumber(token)) return String(token.value);
  return token.typeName();
}

/** The value GitHub puts in a string (an input, an env variable, a `run:` script) for an evaluated value. */
export function asString(value: Value): string {
  if (value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return Array.isArray(value) ? 'Array' : 'Object';
}

/** Evaluates a template token (a literal, an expression, or a mapping/sequence of them) to a value. */
export function evaluateToken(token: TemplateToken, contexts: Contexts, status = NO_STATUS): Value {
  if (isBasicExpression(token)) return toValue(evaluateData(token.expression, contexts, status));
  if (isString(token)) return token.value;
  if (isBoolean(token)) return token.value;
  if (isNumber(token)) return token.value;
  if (isSequence(token)) return [...token].map((t) => evaluateToken(t, contexts, status));
  if (isMapping(token)) {
    const out: Record<string, Value> = {};
    for (const { key, value } of token)
      out[asString(evaluateToken(key, contexts, status))] = evaluateToken(value, contexts, status);
    return out;
  }
  if (token.isExpression)
    throw new Error(
      `workflow-player: ${token.typeName()} expressions (\${{ insert }}) are not supported`,
    );
  return null;
}

/** A mapping token evaluated to `name → string` (env, with, outputs, secrets). */
export function evaluateStrings(
  token: TemplateToken | undefined,
  contexts: Contexts,
  status = NO_STATUS,
): Record<string, string> {
  if (!token) return {};
  const out: Record<string, string> = {};
  if (!isMapping(token))
    throw new Error(`workflow-player: expected a mapping, got ${token.typeName()}`);
  for (const { key, value } of token)
    out[asString(evaluateToken(key, contexts, status))] = asString(
      evaluateToken(value, contexts, status),
    );
  return out;
}

/**
 * The plan's view of a token: evaluated when it reads only what is known before the run (github,
 * inputs, vars, secrets), otherwise its source text (`${{ needs.image.outputs.image-ref }}`).
 */
export function previewToken(token: TemplateToken, contexts: Contexts): string {
  if (isBasicExpression(token)) {
    const reads = contextsRead(token.expression);
    if ([...reads].some((c) => RUNTIME_CONTEXTS.has(c))) return token.source ?? token.toString();
  }
  return asString(evaluateToken(token, contexts));
}
