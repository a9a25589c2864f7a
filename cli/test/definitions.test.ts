import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  COMMANDS,
  findCommand,
  optionsOf,
  packageRoot,
  parseActionMeta,
  type ActionCommand,
} from '../src/definitions.js';

const YML = `
name: demo
description: |
  Does a thing.
inputs:
  environment:
    description: Where
    required: true
  promote:
    description: Switch at once
    default: true
  retries:
    description: How many
    default: 3
  mode:
    description: Which
    default: 'fast'
  empty:
    description: Nothing
    default: ''
outputs:
  url:
    description: The URL
runs:
  using: node24
  main: ../../dist/demo/index.js
  post: ../../dist/demo/post/index.js
`;

describe('parseActionMeta', () => {
  const meta = parseActionMeta('demo', YML);

  test('inputs in file order, with the runner’s text defaults and switches', () => {
    expect(meta.inputs).toEqual([
      { name: 'environment', description: 'Where', required: true, flag: false },
      {
        name: 'promote',
        description: 'Switch at once',
        required: false,
        flag: true,
        default: 'true',
      },
      { name: 'retries', description: 'How many', required: false, flag: false, default: '3' },
      { name: 'mode', description: 'Which', required: false, flag: false, default: 'fast' },
      { name: 'empty', description: 'Nothing', required: false, flag: false, default: '' },
    ]);
  });

  test('description, outputs and the post step', () => {
    expect(meta).toMatchObject({
      name: 'demo',
      description: 'Does a thing.',
      outputs: ['url'],
      post: '../../dist/demo/post/index.js',
    });
  });

  test('an action without a post step has none', () => {
    expect(
      parseActionMeta('x', 'inputs: {}\nruns: { using: node24, main: a.js }\n').post,
    ).toBeUndefined();
  });
});

describe('commands', () => {
  test('names are unique and each is found by name', () => {
    const names = COMMANDS.map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
    for (const n of names) expect(findCommand(n)?.name).toBe(n);
    expect(findCommand('deploy-bluegreen')).toBeUndefined();
  });

  test('optionsOf leaves out the fixed and hidden inputs of a command', () => {
    const promote = findCommand('promote') as ActionCommand;
    const meta = parseActionMeta(
      'deploy-bluegreen',
      'inputs:\n  environment: { description: e }\n  action: { description: a, default: deploy }\n  image: { description: i }\n  config: { description: c, default: switchyard.yml }\n',
    );
    expect(optionsOf(promote, meta).map((o) => o.name)).toEqual(['environment', 'config']);
    expect(() => optionsOf(promote)).toThrow(/metadata/);
  });

  test('a command of the CLI’s own lists its own options', () => {
    const status = findCommand('status');
    expect(status && optionsOf(status).map((o) => o.name)).toContain('history');
  });
});

describe('packageRoot', () => {
  test('finds the nearest folder whose package.json is switchyard’s', () => {
    const dir = mkdtempSync(join(tmpdir(), 'root-'));
    writeFileSync(join(dir, 'package.json'), '{"name":"switchyard"}');
    mkdirSync(join(dir, 'a/node_modules/b'), { recursive: true });
    writeFileSync(join(dir, 'a/package.json'), '{"name":"other"}');
    expect(packageRoot(join(dir, 'a/node_modules/b'))).toBe(dir);
  });

  test('fails when there is none', () => {
    expect(() => packageRoot('/')).toThrow(/no switchyard package.json/);
  });
});
