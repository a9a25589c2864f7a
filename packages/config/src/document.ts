/**
 * `parseConfig`: YAML text → a validated {@link ConfigDocument}. The whole file is checked up front
 * (every environment section over `defaults:`), so a typo in `staging:` fails a production deploy
 * before it starts rather than a later staging one halfway through.
 */
import { dirname, resolve as resolvePath } from 'node:path';
import { isMap, isScalar, parseDocument, type Document as YamlDocument } from 'yaml';
import { ConfigError, InputError, errorMessage } from '@switchyard/kit';
import { NAME_RULE, parseAppName, parseEnvironmentName } from './fields.js';
import { SECTION_KEYS, readSection, type Section } from './section.js';
import { fileLayer, overrideLayer, settle, type Layer } from './settle.js';
import { APP_NAME, type ConfigDocument, type EnvironmentConfig, type Overrides } from './types.js';
import { isMapping, kindOf, text } from './values.js';

const TOP_LEVEL =
  'Write app:, defaults: and one section per environment (production:, staging: ...)';

/**
 * Parses and validates a config file. `file` names it in messages.
 * @throws ConfigError for a YAML syntax error (with line and column) or any invalid setting.
 */
export function parseConfig(text: string, file: string): ConfigDocument {
  const root = parseYaml(text, file);
  try {
    return new Document(file, root);
  } catch (error) {
    throw error instanceof InputError && !(error instanceof ConfigError)
      ? ConfigError.from(file, error)
      : error;
  }
}

function parseYaml(source: string, file: string): unknown {
  const doc = parseDocument(source, {
    prettyErrors: true,
    uniqueKeys: true,
    keepSourceTokens: true,
  });
  const error = doc.errors[0];
  if (error) {
    const pos = error.linePos?.[0];
    const problem =
      error.code === 'MULTIPLE_DOCS'
        ? 'starts a second YAML document'
        : (error.message.split(/ at line \d+, column \d+/)[0] ?? error.message);
    throw new ConfigError(
      file,
      pos ? `line ${pos.line}, column ${pos.col}` : '',
      `${problem.trim()}. Fix the YAML syntax: indentation (spaces, not tabs), colons, quotes and brackets`,
    );
  }
  let root: unknown;
  try {
    root = doc.toJS({ maxAliasCount: 100 }) as unknown;
  } catch (e) {
    throw new ConfigError(file, '', `is not valid YAML (${errorMessage(e)})`);
  }
  keepEnvText(doc, root);
  return root;
}

/**
 * Env values are text: `VERSION: 1.10` must stay `1.10`, not become the number 1.1 (nor `012` 12, nor
 * `0x1F` 31). So unquoted numbers and booleans under `<section>.env` keep their source text.
 */
function keepEnvText(doc: YamlDocument, root: unknown): void {
  if (!isMapping(root)) return;
  for (const [section, value] of Object.entries(root)) {
    const env = isMapping(value) ? value.env : undefined;
    const node = doc.getIn([section, 'env'], true);
    if (!isMapping(env) || !isMap(node)) continue;
    for (const pair of node.items) {
      const { key, value: scalar } = pair;
      const source = isScalar(scalar) ? scalar.srcToken : undefined;
      if (!isScalar(key) || !isScalar(scalar) || source?.type !== 'scalar') continue;
      if (typeof scalar.value === 'number' || typeof scalar.value === 'boolean')
        env[String(key.value)] = source.source;
    }
  }
}

class Document implements ConfigDocument {
  readonly app?: string;
  readonly environments: string[] = [];
  private readonly defaults: Layer;
  private readonly sections = new Map<string, Layer>();

  constructor(
    readonly file: string,
    root: unknown,
  ) {
    if (root !== null && root !== undefined && !isMapping(root))
      throw new ConfigError(file, '', `is ${kindOf(root)}, not a mapping. ${TOP_LEVEL}`);
    let defaults: Section = {};
    for (const [key, value] of Object.entries(root ?? {})) {
      if (key === 'app') {
        if (value !== null) this.app = parseAppName('app', text('app', value, 'shop'));
      } else if (key === 'defaults') defaults = readSection('defaults', value);
      else {
        checkEnvironmentKey(key);
        this.environments.push(key);
        this.sections.set(key, fileLayer(file, key, readSection(key, value)));
      }
    }
    this.defaults = fileLayer(file, 'defaults', defaults);
    // Settle each section as resolve will, so cross-key problems show now, not at deploy time.
    if (this.sections.size === 0) settle([this.defaults]);
    for (const layer of this.sections.values()) settle([this.defaults, layer]);
  }

  resolve(environment: string, overrides: Overrides = {}, baseDir?: string): EnvironmentConfig {
    const { layer: over, app: appInput } = overrideLayer(overrides);
    const section = this.sections.get(environment);
    if (this.sections.size > 0 && !section)
      throw new InputError(
        'environment',
        environment,
        `is not an environment in ${this.file}`,
        `Use one of: ${this.environments.join(', ')}, or add a ${environment}: section`,
      );
    parseEnvironmentName('environment', environment);
    const app = appInput ?? this.app;
    if (app === undefined)
      throw new ConfigError(
        this.file,
        'app',
        `is not set. Set app: at the top of ${this.file}, or the app input`,
      );
    const settings = settle(section ? [this.defaults, section, over] : [this.defaults, over]);
    const { envFile, ...rest } = settings;
    const base = baseDir ?? dirname(resolvePath(this.file));
    return {
      app,
      environment,
      ...rest,
      ...(envFile === undefined ? {} : { envFile: resolvePath(base, envFile) }),
    };
  }
}

/** A top-level key other than app/defaults must be an environment name, and not a setting's name. */
function checkEnvironmentKey(key: string): void {
  if ((SECTION_KEYS as readonly string[]).includes(key))
    throw new InputError(
      key,
      key,
      'is a setting, not an environment',
      'Put it under defaults: (for every environment) or under an environment such as production:',
    );
  if (!APP_NAME.test(key))
    throw new InputError(
      key,
      key,
      'is neither app, defaults nor an environment name',
      `Environment names use ${NAME_RULE}. ${TOP_LEVEL}`,
    );
  parseEnvironmentName(key, key);
}
