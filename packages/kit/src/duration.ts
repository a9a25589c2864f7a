/** Durations as people write them in workflow files: `500ms`, `30s`, `15m`, `1h`, `1h30m`, `2d`. */

const UNIT_MS: Readonly<Record<string, number>> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/gy;

/** The accepted forms, for error messages. */
export const DURATION_FORMS =
  'Use a number with a unit: 500ms, 30s, 15m, 1h, 2d, or a sum like 1h30m';

/** Parses a duration to milliseconds, or returns undefined when the text is not one. */
export function parseDurationMs(text: string): number | undefined {
  const s = text.trim();
  if (s === '') return undefined;
  PART.lastIndex = 0;
  let total = 0;
  let consumed = 0;
  for (let m = PART.exec(s); m !== null; m = PART.exec(s)) {
    const [whole, amount = '', unit = ''] = m;
    total += Number(amount) * (UNIT_MS[unit] ?? Number.NaN);
    consumed += whole.length;
  }
  if (consumed !== s.length || !Number.isFinite(total)) return undefined;
  return Math.round(total);
}

/** Formats milliseconds for people: `850ms`, `4.2s`, `2m 5s`, `1h 30m`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  if (ms < 1000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1).replace(/\.?0+$/, '')}s`;
  const totalSeconds = Math.round(ms / 1000);
  const h = Math.floor(totalSeconds / 3600);
  const m = Math.floor((totalSeconds % 3600) / 60);
  const sec = totalSeconds % 60;
  const parts = [h ? `${h}h` : '', m ? `${m}m` : '', sec ? `${sec}s` : ''].filter(Boolean);
  return parts.join(' ');
}
