/**
 * Named contract constants (STYLE.md §9) every target shares: the colors and the labels (or
 * annotations) that other runs, the CLI and people looking at the target rely on. Changing one is a
 * breaking change for deployed environments. A target's own names live in its folder.
 */

/** The two slots of a blue-green pair. */
export const COLORS = ['blue', 'green'] as const;
export type Color = (typeof COLORS)[number];

/** The other color. */
export function otherColor(color: Color): Color {
  return color === 'blue' ? 'green' : 'blue';
}

/** Labels on every object switchyard creates. */
export const LABELS = {
  app: 'switchyard.app',
  environment: 'switchyard.environment',
  /** What the object is to switchyard: `app`, or the target's own (`proxy`, `lock`, …). */
  role: 'switchyard.role',
  color: 'switchyard.color',
  /** The image reference the deploy asked for. */
  image: 'switchyard.image',
  /** The image's repo digest (or its id when it has none): what "the same image" means. */
  digest: 'switchyard.digest',
  version: 'switchyard.version',
  /** Who started it: the run URL, or `cli:<user>@<host>`. */
  deployId: 'switchyard.deploy-id',
  actor: 'switchyard.actor',
  createdAt: 'switchyard.created-at',
  /** On the lock: when it counts as stale. */
  expires: 'switchyard.lock.expires',
  /** On the lock: a random value only its holder knows (a post step releases only its own lock). */
  token: 'switchyard.lock.token',
  /** On the router: the published ports and bind address, `bind:port,preview`. */
  publish: 'switchyard.proxy.publish',
} as const;

/** How many deploys and rollbacks the target remembers. */
export const HISTORY_LENGTH = 10;
