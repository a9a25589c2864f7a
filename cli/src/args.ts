/**
 * Command-line parsing (pure): `switchyard <command> [positional] [--option value | --option=value |
 * --flag | --no-flag] [--json] [--no-color] [--verbose] [--help]`. A repeated option is joined with
 * newlines, as a multi-line input is written in a workflow's `with:`.
 */
import type { InputDef } from './definitions.js';

/** A mistake on the command line (exit code 2, nothing was done). */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Options every command takes. */
export interface GlobalOptions {
  readonly json: boolean;
  readonly color: boolean;
  readonly verbose: boolean;
  readonly help: boolean;
}

export interface ParsedArgs {
  readonly globals: GlobalOptions;
  /** Raw input values by input name, as given. */
  readonly values: ReadonlyMap<string, string>;
}

const GLOBAL_FLAGS = ['json', 'no-color', 'verbose', 'help'] as const;

/** Edit distance, for "did you mean". */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j] as number;
      row[j] = Math.min(
        cur + 1,
        (row[j - 1] as number) + 1,
        prev + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
      prev = cur;
    }
  }
  return row[b.length] as number;
}

/** The closest known name, when it is close enough to be a typo. */
export function suggest(name: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  for (const k of known) {
    const d = distance(name, k);
    if (d < bestD) [best, bestD] = [k, d];
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

const BOOL = /^(true|false)$/;

/**
 * Parses the arguments after the command name against its options. `positional` names the input a
 * bare first argument fills. Throws {@link UsageError} for an unknown option, a missing value or a
 * stray argument, naming it and the fix.
 */
export function parseArgs(
  command: string,
  argv: readonly string[],
  options: readonly InputDef[],
  positional?: string,
): ParsedArgs {
  const byName = new Map(options.map((o) => [o.name, o]));
  const values = new Map<string, string>();
  const globals = { json: false, color: true, verbose: false, help: false };
  const set = (name: string, value: string): void => {
    const old = values.get(name);
    values.set(name, old === undefined ? value : `${old}\n${value}`);
  };
  const help = `See: switchyard ${command} --help`;
  let bare = 0;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '-h') {
      globals.help = true;
      continue;
    }
    if (!arg.startsWith('--')) {
      if (positional && bare === 0 && !values.has(positional)) {
        values.set(positional, arg);
        bare++;
        continue;
      }
      throw new UsageError(
        `unexpected argument "${arg}" for switchyard ${command}: options are written --name value. ${help}`,
      );
    }
    if (arg === '--')
      throw new UsageError(`unexpected argument "--" for switchyard ${command}. ${help}`);
    const eq = arg.indexOf('=');
    const key = arg.slice(2, eq < 0 ? undefined : eq);
    const inline = eq < 0 ? undefined : arg.slice(eq + 1);
    if ((GLOBAL_FLAGS as readonly string[]).includes(key) && inline === undefined) {
      if (key === 'json') globals.json = true;
      else if (key === 'no-color') globals.color = false;
      else if (key === 'verbose') globals.verbose = true;
      else globals.help = true;
      continue;
    }
    const negated = key.startsWith('no-') && byName.get(key.slice(3))?.flag === true;
    const def = byName.get(negated ? key.slice(3) : key);
    if (!def) {
      const known = [...byName.keys(), ...GLOBAL_FLAGS];
      const near = suggest(key, known);
      throw new UsageError(
        `unknown option --${key} for switchyard ${command}.${near ? ` Did you mean --${near}?` : ''} ${help}`,
      );
    }
    if (negated) {
      if (inline !== undefined)
        throw new UsageError(`--${key} takes no value (write --${def.name}=${inline} instead)`);
      set(def.name, 'false');
      continue;
    }
    if (inline !== undefined) {
      set(def.name, inline);
      continue;
    }
    const next = argv[i + 1];
    if (def.flag) {
      // A switch: `--promote` alone is true; `--promote false` is allowed too.
      if (next !== undefined && BOOL.test(next)) {
        set(def.name, next);
        i++;
      } else set(def.name, 'true');
      continue;
    }
    if (next === undefined || (next.startsWith('--') && next.length > 2))
      throw new UsageError(`--${def.name} needs a value (--${def.name} <value>). ${help}`);
    set(def.name, next);
    i++;
  }
  if (positional && bare > 0 && values.get(positional)?.includes('\n'))
    throw new UsageError(
      `--${positional} is given twice (as the first argument and as an option): give it once. ${help}`,
    );
  return { globals, values };
}

/** `SWITCHYARD_INPUT_<NAME>`: where an input may come from the environment (secrets, say). */
export function inputEnvVariable(name: string): string {
  return `SWITCHYARD_INPUT_${name.replace(/[- ]/g, '_').toUpperCase()}`;
}

/**
 * The raw value of each input as the runner would pass it: the command line, else
 * `SWITCHYARD_INPUT_<NAME>`, else the command's fixed value, else the action.yml default, else ''.
 */
export function inputValues(
  options: readonly InputDef[],
  given: ReadonlyMap<string, string>,
  env: Readonly<Record<string, string | undefined>>,
  fixed: Readonly<Record<string, string>> = {},
): Map<string, string> {
  const out = new Map<string, string>();
  for (const o of options) {
    const v = given.get(o.name) ?? env[inputEnvVariable(o.name)] ?? localDefault(o.default, env);
    if (v !== undefined) out.set(o.name, v);
  }
  for (const [k, v] of Object.entries(fixed)) out.set(k, v);
  return out;
}

/**
 * An action.yml default as the CLI passes it: `${{ github.token }}` (the job's token on a runner)
 * is GITHUB_TOKEN or GH_TOKEN here, or nothing; any other default as written.
 */
function localDefault(
  value: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
): string | undefined {
  if (value !== '${{ github.token }}') return value;
  return env.GITHUB_TOKEN ?? env.GH_TOKEN ?? '';
}
