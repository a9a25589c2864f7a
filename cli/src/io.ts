/**
 * The CLI's {@link ActionIO}: log lines to stderr (warnings yellow, errors red, groups as headings,
 * progress redrawn in place on a terminal), outputs and the summary kept for the end, state kept in
 * memory. Every line is masked like the runner's log.
 */
import {
  outputText,
  Secrets,
  visibleControls,
  type ActionIO,
  type AnnotationProps,
} from '@switchyard/kit';
import { styler } from '@switchyard/kit/terminal';

export interface TerminalOptions {
  readonly color: boolean;
  readonly verbose: boolean;
  /** stderr is a terminal: progress lines are redrawn in place. */
  readonly tty: boolean;
  /** Writes to stderr (default: process.stderr). */
  readonly write?: (text: string) => void;
  /** Terminal width for progress lines (default 100). */
  readonly columns?: number;
}

/** What a step left behind in the CLI's IO. */
export interface Collected {
  readonly outputs: Map<string, string>;
  readonly summary: string[];
  readonly state: Map<string, string>;
  failure?: string;
}

/** An ActionIO over the terminal, with the values it inputs from and the outputs it collects. */
export function terminalIO(
  inputs: ReadonlyMap<string, string>,
  opts: TerminalOptions,
): { io: ActionIO; secrets: Secrets; collected: Collected; endProgress: () => void } {
  const out = opts.write ?? ((t: string) => void process.stderr.write(t));
  const s = styler(opts.color);
  const secrets = new Secrets();
  // Masked, then every control character in the text shown visibly: only our own styles drive the terminal.
  const m = (t: string): string => visibleControls(secrets.mask(t), true);
  const collected: Collected = { outputs: new Map(), summary: [], state: new Map() };
  let progressShown = false;
  const clearProgress = (): void => {
    if (progressShown) out('\r\x1b[2K');
    progressShown = false;
  };
  const line = (text: string): void => {
    clearProgress();
    out(`${text}\n`);
  };
  const where = (p?: AnnotationProps): string =>
    p?.file
      ? ` (${p.file}${p.startLine ? `:${p.startLine}` : ''}${p.startColumn ? `:${p.startColumn}` : ''})`
      : '';
  const titled = (msg: string, p?: AnnotationProps): string =>
    `${p?.title ? `${m(p.title)}: ` : ''}${m(msg)}${where(p)}`;
  let depth = 0;
  const io: ActionIO = {
    getInput: (name) => (inputs.get(name) ?? '').trim(),
    setOutput: (name, value) => void collected.outputs.set(name, outputText(value)),
    setSecret: (value) => secrets.add(value),
    // The commands a step runs (`[command] docker …`, as on the runner) are dimmed, not hidden.
    info: (msg) => line(msg.startsWith('[command]') ? s.dim(m(msg)) : m(msg)),
    debug: (msg) => {
      if (opts.verbose) line(s.dim(m(msg)));
    },
    progress: (msg) => {
      if (!opts.tty) return line(m(msg));
      const width = Math.max(20, (opts.columns ?? 100) - 1);
      const text = m(msg).replace(/\s+/g, ' ');
      out(`\r\x1b[2K${text.length > width ? `${text.slice(0, width - 1)}…` : text}`);
      progressShown = true;
    },
    warning: (msg, p) => line(s.yellow(`warning: ${titled(msg, p)}`)),
    error: (msg, p) => line(s.red(`error: ${titled(msg, p)}`)),
    group: async (title, fn) => {
      line(s.bold(`${depth ? '  ' : ''}▸ ${m(title)}`));
      depth++;
      try {
        return await fn();
      } finally {
        depth--;
      }
    },
    appendSummary: (markdown) => {
      collected.summary.push(m(markdown));
      return Promise.resolve();
    },
    saveState: (name, value) => void collected.state.set(name, value),
    getState: (name) => collected.state.get(name) ?? '',
    setFailed: (msg) => {
      collected.failure = m(msg);
    },
  };
  return { io, secrets, collected, endProgress: clearProgress };
}
