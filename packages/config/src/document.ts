/**
 * `parseConfig`: YAML text → a validated {@link ConfigDocument}. The whole file is checked up front
 * (every environment section over `defaults:`), so a typo in `staging:` fails a production deploy
 * before it starts rather than a later staging one halfway through.
 */
import { dirname, resolve as resolvePath } from 'node:path';
import { isMap, isScalar, parseDocument, type Document as YamlDocument } from 'yaml';
import {
  ConfigError,
  InputError,
  INSIDE_WORKSPACE,
  errorMessage,
  insideWorkspace,
  UNQUOTED,
} from '@switchyard/kit';
import { NAME_RULE, parseAppName, parseEnvironmentName } from './fields.js';
import { fileLayer, origin } from './layer.js';
import { overrideLayer, type Overrides } from './overrides.js';
import { FLAT_KEYS, SECTION_KEYS, readSection, type ReadSection } from './section.js';
import { settle, type SectionLayer } from './settle.js';
import { TARGET_SCHEMAS } from './target-schemas.js';
import { APP_NAME, TARGETS, type ConfigDocument, type EnvironmentConfig } from './types.js';
import { isMapping, join, kindOf, text } from './values.js';

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

/** A section of the file as a layer; its target part blames keys where the user wrote them. */
function sectionLayer(file: string, path: string, read: ReadSection): SectionLayer {
  return {
    ...fileLayer(file, path, read.section),
    target: (name) =>
      fileLayer(
        file,
        join(path, name),
        read.section[name] ?? {},
        Object.fromEntries(read.flat.filter((f) => f.target === name).map((f) => [f.key, f.at])),
      ),
  };
}

/** What to tell the user about a section that writes target settings in the older flat form. */
function flatNotices(file: string, path: string, read: ReadSection): string[] {
  return TARGETS.flatMap((target) => {
    const flat = read.flat.filter((f) => f.target === target);
    if (flat.length === 0) return [];
    const flatName = (key: string): string => TARGET_SCHEMAS[target].flatKeys[key] ?? key;
    const renamed = flat.filter((f) => flatName(f.key) !== f.key);
    return [
      `${file}: ${flat.map((f) => f.at).join(', ')} ${flat.length === 1 ? `is a ${target} setting` : `are ${target} settings`} written at the top of ${path}:. ` +
        `They are still read, as ${join(path, target)}; move them under ${path}: ${target}:` +
        (renamed.length > 0
          ? ` (${renamed.map((f) => `${flatName(f.key)} becomes ${target}.${f.key}`).join(', ')})`
          : ''),
    ];
  });
}

class Document implements ConfigDocument {
  readonly app?: string;
  readonly environments: string[] = [];
  private readonly defaults: SectionLayer;
  private readonly sections = new Map<string, SectionLayer>();
  private readonly notices = new Map<string, string[]>();

  constructor(
    readonly file: string,
    root: unknown,
  ) {
    if (root !== null && root !== undefined && !isMapping(root))
      throw new ConfigError(file, '', `is ${kindOf(root)}, not a mapping. ${TOP_LEVEL}`);
    let defaults: ReadSection = { section: {}, flat: [] };
    for (const [key, value] of Object.entries(root ?? {})) {
      if (key === 'app') {
        if (value !== null) this.app = parseAppName('app', text('app', value, 'shop'));
      } else if (key === 'defaults') defaults = readSection('defaults', value);
      else {
        checkEnvironmentKey(key);
        this.environments.push(key);
        const read = readSection(key, value);
        this.sections.set(key, sectionLayer(file, key, read));
        this.notices.set(key, flatNotices(file, key, read));
      }
    }
    this.defaults = sectionLayer(file, 'defaults', defaults);
    this.notices.set('defaults', flatNotices(file, 'defaults', defaults));
    // Settle each section as resolve will, so cross-key problems show now, not at deploy time.
    if (this.sections.size === 0) settle([this.defaults]);
    for (const layer of this.sections.values()) settle([this.defaults, layer]);
  }

  resolve(
    environment: string,
    overrides: Overrides = {},
    baseDir?: string,
    workspace?: string,
  ): EnvironmentConfig {
    const over = overrideLayer(overrides);
    const section = this.sections.get(environment);
    if (this.sections.size > 0 && !section)
      throw new InputError(
        'environment',
        environment,
        `is not an environment in ${this.file}`,
        `Use one of: ${this.environments.join(', ')}, or add a ${environment}: section`,
      );
    parseEnvironmentName('environment', environment);
    const app = over.app ?? this.app;
    if (app === undefined)
      throw new ConfigError(
        this.file,
        'app',
        `is not set. Set app: at the top of ${this.file}, or the app input`,
      );
    const inputs: SectionLayer = { ...over.layer, target: over.targetLayer };
    const layers = section ? [this.defaults, section, inputs] : [this.defaults, inputs];
    const settings = settle(layers);
    const base = baseDir ?? dirname(resolvePath(this.file));
    const schema = TARGET_SCHEMAS[settings.target.kind];
    const target = schema.resolveFiles(settings.target, (p) => resolvePath(base, p));
    if (workspace !== undefined)
      for (const [key, file] of Object.entries(schema.files(target))) {
        if (insideWorkspace(file, workspace)) continue;
        const from = origin(
          layers.map((l) => l.target(target.kind)),
          key as never,
        );
        throw (from ?? inputs).wrap(
          new InputError(
            from?.at(key) ?? key,
            UNQUOTED,
            'is outside the workspace',
            INSIDE_WORKSPACE,
          ),
        );
      }
    return {
      app,
      environment,
      ...settings,
      target,
      notices: [...(this.notices.get('defaults') ?? []), ...(this.notices.get(environment) ?? [])],
    };
  }
}
/** A top-level key other than app/defaults must be an environment name, and not a setting's name. */
function checkEnvironmentKey(key: string): void {
  if ([...SECTION_KEYS, ...FLAT_KEYS].includes(key))
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
