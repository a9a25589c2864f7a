/** Outputs and the job summary of a blue-green run (pure): deploy-bluegreen and rollback share them. */
import { formatDuration, Summary } from '@switchyard/kit';
import { liveStatus, type BlueGreenResult } from './bluegreen.js';
import { COLORS } from './contract.js';
import type { TargetState } from './model.js';
import { colorDown, liveEntry } from './record.js';

/** deploy-bluegreen's outputs (names as in its action.yml); rollback adds its own to these. */
export function deployOutputs(r: BlueGreenResult): Record<string, string> {
  const a = r.after;
  // After a promote: false deploy, the color of interest is the one waiting, not the live one.
  const color = r.action === 'deploy' && r.changed && !r.switched ? r.color : (a.live ?? undefined);
  const shown = color ? a.colors[color] : undefined;
  const previous = r.switched ? r.before.live : a.previous;
  return {
    color: color ?? '',
    'previous-color': previous ?? '',
    url: r.url,
    'preview-url': r.previewUrl,
    image: shown?.image ?? '',
    digest: shown?.digest ?? '',
    'previous-image': previous
      ? (r.before.colors[previous]?.image ?? a.colors[previous]?.image ?? '')
      : '',
    version: shown?.version ?? '',
    changed: String(r.changed),
    'retire-after': a.retireAfter ?? '',
    retired: 'retired' in r && Array.isArray(r.retired) ? r.retired.join(',') : '',
    state: JSON.stringify(stateJson(a)),
  };
}

/** The state as the `state` output and `status` print it. */
export function stateJson(s: TargetState): object {
  return {
    live: s.live,
    previous: s.previous,
    switchedAt: s.switchedAt ?? null,
    retireAfter: s.retireAfter ?? null,
    pending: s.pending ?? null,
    colors: s.colors,
    history: s.history,
  };
}

/** The live color, and when it is down what is wrong with it: `green (down: no container)`. */
function liveCell(s: TargetState): string {
  if (!s.live) return 'none';
  if (!colorDown(s)) return s.live;
  const c = s.colors[s.live];
  return `${s.live} (down: ${c ? c.state : 'no container'})`;
}

function roleOf(s: TargetState, color: string): string {
  if (s.live === color) return 'live';
  if (s.pending?.color === color) return 'pending promotion';
  if (s.previous === color)
    return s.colors[color]?.running
      ? `previous (warm until ${s.retireAfter ?? '?'})`
      : 'previous (retired)';
  return 'idle';
}

function colorRows(s: TargetState): (string | undefined)[][] {
  return COLORS.filter((c) => s.colors[c]).map((c) => {
    const x = s.colors[c];
    return [
      c,
      roleOf(s, c),
      x?.image,
      x?.version,
      x?.state,
      x?.health === 'none' ? '' : x?.health,
      x?.createdAt,
    ];
  });
}

/**
 * The job summary of a run: the message, before/after, facts (plus `extraFacts`), colors, history.
 * `title` names the action (`deploy-bluegreen`, `rollback`).
 */
export function renderSummary(
  r: BlueGreenResult,
  app: string,
  environment: string,
  opts: { readonly title?: string; readonly extraFacts?: readonly [string, string][] } = {},
): string {
  const s = new Summary().heading(`${opts.title ?? 'deploy-bluegreen'}: ${app} (${environment})`);
  s.paragraph(r.message);
  if (r.plan) s.paragraph(r.plan.map((p, i) => `${i + 1}. ${p}`).join('\n'));
  // A live color whose container is gone still names a release: the record's.
  const before = liveStatus(r.before) ?? liveEntry(r.before);
  const after = liveStatus(r.after) ?? liveEntry(r.after);
  s.table(
    ['', 'before', 'after'],
    [
      ['live color', liveCell(r.before), liveCell(r.after)],
      ['image', before?.image, after?.image],
      ['version', before?.version, after?.version],
      ['digest', before?.digest, after?.digest],
    ],
  );
  const facts: [string, string][] = [
    ['url', r.url],
    ['preview url', r.previewUrl],
  ];
  if (r.ready) facts.push(['ready after', formatDuration(r.ready.elapsedMs)]);
  if (r.switchMs !== undefined) facts.push(['switch took', formatDuration(r.switchMs)]);
  if (r.after.retireAfter && r.after.previous)
    facts.push([`${r.after.previous} warm until`, r.after.retireAfter]);
  if (r.router && r.router !== 'unchanged') facts.push(['proxy', r.router]);
  if ('decisions' in r && Array.isArray(r.decisions))
    for (const d of r.decisions as { color: string; retire: boolean; why: string }[])
      facts.push([`retire ${d.color}`, `${d.retire ? 'stopped' : 'kept'}: ${d.why}`]);
  facts.push(...(opts.extraFacts ?? []));
  s.table(['', ''], facts);
  const rows = colorRows(r.after);
  if (rows.length)
    s.heading('Colors', 3).table(
      ['color', 'role', 'image', 'version', 'state', 'health', 'started'],
      rows,
    );
  if (r.after.history.length)
    s.heading('History', 3).table(
      ['at', 'action', 'color', 'version', 'image', 'by', 'reason'],
      r.after.history.map((h) => [
        h.at,
        h.action,
        h.color,
        h.version,
        h.image,
        `${h.actor} (${h.deployId})`,
        h.reason,
      ]),
    );
  r.after.notes.forEach((n) => s.paragraph(`> ${n}`));
  return s.toString();
}
