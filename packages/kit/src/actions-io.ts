/**
 * The real {@link ActionIO}, over `@actions/core`. Only an action's `main.ts` imports this module;
 * libraries take the interface.
 */
import * as core from '@actions/core';
import { outputText, type ActionIO, type AnnotationProps } from './io.js';
import { Secrets } from './secrets.js';

/** Creates the runner-backed IO and the secret registry wired to `::add-mask::`. */
export function actionsIO(): { io: ActionIO; secrets: Secrets } {
  const secrets = new Secrets((v) => core.setSecret(v));
  const m = (s: string): string => secrets.mask(s);
  const props = (p?: AnnotationProps): core.AnnotationProperties | undefined =>
    p && { ...p, title: p.title && m(p.title) };
  const io: ActionIO = {
    getInput: (name) => core.getInput(name),
    setOutput: (name, value) => core.setOutput(name, outputText(value)),
    setSecret: (value) => secrets.add(value),
    info: (msg) => core.info(m(msg)),
    debug: (msg) => core.debug(m(msg)),
    warning: (msg, p) => core.warning(m(msg), props(p)),
    error: (msg, p) => core.error(m(msg), props(p)),
    group: (title, fn) => core.group(m(title), fn),
    appendSummary: async (markdown) => {
      await core.summary.addRaw(m(markdown), true).write();
    },
    saveState: (name, value) => core.saveState(name, value),
    getState: (name) => core.getState(name),
    setFailed: (msg) => core.setFailed(m(msg)),
  };
  return { io, secrets };
}
