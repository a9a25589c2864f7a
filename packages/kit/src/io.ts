/** The action's side of the runner protocol, as a small interface (STYLE.md §4). */

/** Where an annotation points. */
export interface AnnotationProps {
  readonly title?: string;
  readonly file?: string;
  readonly startLine?: number;
  readonly startColumn?: number;
}

/** Log lines. Implementations mask registered secrets. */
export interface Logger {
  info(message: string): void;
  debug(message: string): void;
  /** A warning annotation. */
  warning(message: string, props?: AnnotationProps): void;
  /** An error annotation (does not fail the step by itself). */
  error(message: string, props?: AnnotationProps): void;
  /**
   * A status line on a long wait (readiness, the monitor window): a terminal redraws it in place;
   * without this method it is an info line.
   */
  progress?(message: string): void;
}

/** Logs a progress line: in place where the logger can, else as info. */
export function logProgress(log: Logger, message: string): void {
  if (log.progress) log.progress(message);
  else log.info(message);
}

/** Everything an action's composition root needs from the runner. */
export interface ActionIO extends Logger {
  /** The raw input, '' when unset. */
  getInput(name: string): string;
  /** Sets an output; objects and arrays are written as JSON. */
  setOutput(name: string, value: string | number | boolean | object): void;
  /** Registers a secret with the runner's log masking. */
  setSecret(value: string): void;
  /** Runs `fn` inside a folded log group. */
  group<T>(title: string, fn: () => Promise<T>): Promise<T>;
  /** Appends markdown to the job summary. */
  appendSummary(markdown: string): Promise<void>;
  saveState(name: string, value: string): void;
  getState(name: string): string;
  /** Fails the step with a message. */
  setFailed(message: string): void;
}

/** Serialises an output value the way every switchyard action does. */
export function outputText(value: string | number | boolean | object): string {
  return typeof value === 'string'
    ? value
    : typeof value === 'object'
      ? JSON.stringify(value)
      : String(value);
}
