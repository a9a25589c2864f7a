/**
 * A private copy of one action as the runner sees it: actions/<name>/action.yml and every
 * dist/<bundle>/ folder its `runs:` steps point into, in the same layout, so a rebuild of dist/
 * while a bench runs cannot change (or delete) the bundle under it.
 */
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';

export interface ActionSnapshot {
  /** The copied action folder: pass it to runAction in place of the name. */
  readonly dir: string;
  /** sha256 of the copied main bundle, to say which build was measured. */
  readonly mainSha256: string;
  /** Removes the copy. */
  remove(): void;
}

interface Runs {
  readonly main: string;
  readonly pre?: string;
  readonly post?: string;
}

/** Copies the action `name` from `root`; throws when a bundle it names is missing. */
export function snapshotAction(root: string, name: string): ActionSnapshot {
  const actionDir = join(root, 'actions', name);
  const yml = readFileSync(join(actionDir, 'action.yml'), 'utf8');
  const runs = (parseYaml(yml) as { runs: Runs }).runs;
  const tmp = mkdtempSync(join(tmpdir(), `switchyard-bench-${name}-`));
  try {
    mkdirSync(join(tmp, 'actions', name), { recursive: true });
    cpSync(join(actionDir, 'action.yml'), join(tmp, 'actions', name, 'action.yml'));
    for (const step of [runs.main, runs.pre, runs.post]) {
      if (step === undefined) continue;
      const file = relative(root, resolve(actionDir, step));
      const bundle = /^dist\/[^/]+/.exec(file)?.[0];
      if (!bundle) throw new Error(`${name}/action.yml: ${step} is not in dist/<bundle>/`);
      if (!existsSync(join(root, file)))
        throw new Error(`${file} is missing: run "npm run build" first`);
      if (!existsSync(join(tmp, bundle)))
        cpSync(join(root, bundle), join(tmp, bundle), { recursive: true });
    }
    const main = readFileSync(resolve(tmp, 'actions', name, runs.main));
    return {
      dir: join(tmp, 'actions', name),
      mainSha256: createHash('sha256').update(main).digest('hex'),
      remove: () => rmSync(tmp, { recursive: true, force: true }),
    };
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}
