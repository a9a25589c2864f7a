/**
 * The recorded kubectl ↔ API server fixtures (copied byte for byte from the shared recording: see
 * fixtures/kubernetes/commands.json for each one's command and exit code), read by name.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const DIR = fileURLToPath(new URL('./fixtures/kubernetes/', import.meta.url));

/** A recorded file's content, byte for byte. */
export function fixture(name: string): string {
  return readFileSync(`${DIR}${name}`, 'utf8');
}

interface Entry {
  readonly name: string;
  readonly command: string;
  readonly exit_code: number | null;
  readonly stdout_file: string | null;
  readonly stderr_file: string | null;
}

/** A recorded run, as an Exec result: its exit code, stdout and stderr (a missing file: empty). */
export function recorded(name: string): {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly command: string;
} {
  const index = JSON.parse(fixture('commands.json')) as { entries: Entry[] };
  const e = index.entries.find((x) => x.name === name);
  if (!e) throw new Error(`no recorded run named ${name} in commands.json`);
  return {
    command: e.command,
    exitCode: e.exit_code ?? 0,
    stdout: e.stdout_file ? fixture(e.stdout_file) : '',
    stderr: e.stderr_file ? fixture(e.stderr_file) : '',
  };
}
