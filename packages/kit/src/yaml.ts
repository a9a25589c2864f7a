/**
 * YAML inputs, apart from the rest of kit (`@switchyard/kit/yaml`): the yaml library is ~300 kB of
 * bundle, so only the actions that read YAML pay for it.
 */
import { parse as parseYamlText } from 'yaml';
import { InputError } from './errors.js';

/** A YAML (or JSON) document; `accepted` says what the input should hold. */
export function parseYaml(name: string, raw: string, accepted: string): unknown {
  try {
    return parseYamlText(raw, { prettyErrors: true }) as unknown;
  } catch (error) {
    const detail = error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
    throw new InputError(name, raw, `is not valid YAML or JSON (${detail})`, accepted);
  }
}
