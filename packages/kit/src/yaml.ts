/**
 * YAML inputs, apart from the rest of kit (`@switchyard/kit/yaml`): the yaml library is ~300 kB of
 * bundle, so only the actions that read YAML pay for it.
 */
import { parse as parseYamlText, YAMLParseError } from 'yaml';
import { InputError, UNQUOTED } from './errors.js';

/**
 * Where and what a YAML parse error is, without the document's text (which may hold a secret):
 * `Implicit keys need to be on a single line, at line 2, column 3`.
 */
export function yamlErrorText(error: unknown): string {
  if (!(error instanceof YAMLParseError)) return 'cannot be read';
  // The library's first line is "<problem> at line L, column C:"; the lines after it quote the source.
  const problem = (error.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
  const at = error.linePos?.[0];
  return at ? `${problem}, at line ${at.line}, column ${at.col}` : problem;
}

/**
 * A YAML (or JSON) document; `accepted` says what the input should hold. A syntax error names the
 * line and column, never the text.
 */
export function parseYaml(name: string, raw: string, accepted: string): unknown {
  try {
    return parseYamlText(raw, { prettyErrors: true }) as unknown;
  } catch (error) {
    throw new InputError(
      name,
      UNQUOTED,
      `is not valid YAML or JSON (${yamlErrorText(error)})`,
      accepted,
    );
  }
}
