/**
 * Typed reading of action inputs. An {@link InputReader} wraps a raw getter (the runner's `INPUT_*`
 * variables in production, a map in tests) and parses each input once, before any side effect.
 * An unset input reads as an empty string, as on the runner; `required` turns that into an error.
 */
import { InputError } from './errors.js';
import * as p from './parse.js';
import { CONTROL } from './log-line.js';
import { credentialsIn } from './secrets.js';

/** Returns the raw value of an input, or '' when it is not set. */
export type RawInputs = (name: string) => string;

interface Opts<T> {
  /** Used when the input is empty; without it an empty input is an error. */
  readonly default?: T;
}

/** Where an {@link InputReader} registers what may be secret (a `Secrets`, or the runner's masking). */
export interface SecretSink {
  add(value: string | undefined): void;
}

export class InputReader {
  /**
   * `secrets`, when given, is told every password written in a URL or `user:pass@host` in any input
   * as the input is read, before it is parsed or quoted by an error message.
   */
  constructor(
    private readonly rawInput: RawInputs,
    private readonly secrets?: SecretSink,
  ) {}

  /** The raw value of an input; what may be secret in it is registered first. */
  private raw(name: string): string {
    const value = this.rawInput(name);
    if (this.secrets) for (const c of credentialsIn(value)) this.secrets.add(c);
    return value;
  }

  /** Registers a value that may be secret (a header value in a document an input holds). */
  addSecret(value: string): void {
    this.secrets?.add(value);
  }

  /** The trimmed text of an input; '' when unset. */
  text(name: string): string {
    return this.raw(name).trim();
  }

  /**
   * The trimmed text of a one-line input ('' when unset): a line break or any other control
   * character in it is an error, since the value is shown in logs and recorded on the target.
   */
  line(name: string): string {
    const s = this.text(name);
    if (CONTROL.test(s))
      throw new InputError(
        name,
        s,
        'contains a line break or another control character',
        'Give it on one line, in plain text',
      );
    return s;
  }

  /** A required string. */
  required(name: string, hint = "Set it in the step's with: block"): string {
    const s = this.text(name);
    if (s === '') throw new InputError(name, s, 'is required', hint);
    return s;
  }

  boolean<D = boolean>(name: string, opts: Opts<D> = {}): boolean | D {
    return this.parsed(name, opts, (s) => p.parseBoolean(name, s));
  }

  integer<D = number>(name: string, opts: Opts<D> & p.Range = {}): number | D {
    return this.parsed(name, opts, (s) => p.parseInteger(name, s, opts));
  }

  /** Milliseconds. */
  duration<D = number>(name: string, opts: Opts<D> & p.Range = {}): number | D {
    return this.parsed(name, opts, (s) => p.parseDuration(name, s, opts));
  }

  /** A fraction (`1%` → 0.01). */
  percent<D = number>(name: string, opts: Opts<D> & p.Range = {}): number | D {
    return this.parsed(name, opts, (s) => p.parsePercent(name, s, opts));
  }

  enum<T extends string, D = T>(name: string, values: readonly T[], opts: Opts<D> = {}): T | D {
    return this.parsed(name, opts, (s) => p.parseEnum(name, s, values));
  }

  url<D = URL>(name: string, opts: Opts<D> & { protocols?: readonly string[] } = {}): URL | D {
    return this.parsed(name, opts, (s) => p.parseUrl(name, s, opts.protocols));
  }

  /** Newline- or comma-separated items; [] when unset. */
  list(name: string): string[] {
    return p.parseList(this.raw(name));
  }

  /** Newline-separated items; [] when unset. */
  lines(name: string): string[] {
    return p.parseLines(this.raw(name));
  }

  json(name: string, opts: Opts<unknown> = {}): unknown {
    return this.parsed(name, opts, (s) => p.parseJson(name, s));
  }

  /** `KEY=value` lines; {} when unset. */
  keyValues(name: string): Record<string, string> {
    return p.parseKeyValues(name, this.raw(name));
  }

  private parsed<T, D>(name: string, opts: Opts<D>, parse: (s: string) => T): T | D {
    const s = this.text(name);
    if (s === '') {
      if ('default' in opts) return opts.default as D;
      throw new InputError(name, s, 'is required', "Set it in the step's with: block");
    }
    return parse(s);
  }
}
