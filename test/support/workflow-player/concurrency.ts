/**
 * Concurrency groups shared by plays in one process, with GitHub's semantics: at most one running
 * and one pending holder per group; a new request replaces (cancels) the pending one; with
 * cancel-in-progress it also cancels the running one. Group names compare case-insensitively.
 */

/** What a holder is told when it loses its place (GitHub's wording). */
export function cancelMessage(group: string): string {
  return `Canceling since a higher priority waiting request for '${group}' exists`;
}

export interface Lease {
  release(): void;
}

export interface Holder {
  /** Who holds it, for snapshots (`pipeline.yml#4201/staging/release`). */
  readonly label: string;
  /** Called when a newer request cancels this holder while it runs (cancel-in-progress). */
  readonly onCancel: (message: string) => void;
}

interface Waiter extends Holder {
  readonly grant: (lease: Lease | undefined) => void;
}

interface Group {
  readonly name: string;
  running?: Holder;
  pending?: Waiter;
}

export interface GroupEvent {
  readonly group: string;
  readonly label: string;
  readonly event: 'queued' | 'started' | 'released' | 'cancelled';
}

export class ConcurrencyGroups {
  private readonly groups = new Map<string, Group>();
  /** What happened, in order, for assertions. */
  readonly events: GroupEvent[] = [];

  /**
   * Waits for the group: resolves with a lease once the holder may run, or with undefined when a
   * newer request replaced it while pending. `cancelInProgress` cancels the current holder.
   */
  acquire(name: string, holder: Holder, cancelInProgress: boolean): Promise<Lease | undefined> {
    const key = name.toLowerCase();
    const group = this.groups.get(key) ?? { name };
    this.groups.set(key, group);
    if (!group.running) return Promise.resolve(this.start(group, holder));
    this.note(group, holder, 'queued');
    if (group.pending) {
      const old = group.pending;
      group.pending = undefined;
      this.note(group, old, 'cancelled');
      old.onCancel(cancelMessage(group.name));
      old.grant(undefined);
    }
    if (cancelInProgress) {
      this.note(group, group.running, 'cancelled');
      group.running.onCancel(cancelMessage(group.name));
    }
    return new Promise((grant) => {
      group.pending = { ...holder, grant };
    });
  }

  /** Who runs and who waits in a group now. */
  snapshot(name: string): { running?: string; pending?: string } {
    const g = this.groups.get(name.toLowerCase());
    return {
      ...(g?.running && { running: g.running.label }),
      ...(g?.pending && { pending: g.pending.label }),
    };
  }

  private start(group: Group, holder: Holder): Lease {
    group.running = holder;
    this.note(group, holder, 'started');
    let released = false;
    return {
      release: (): void => {
        if (released) return;
        released = true;
        this.note(group, holder, 'released');
        group.running = undefined;
        const next = group.pending;
        group.pending = undefined;
        if (next) next.grant(this.start(group, next));
      },
    };
  }

  private note(group: Group, holder: Holder, event: GroupEvent['event']): void {
    this.events.push({ group: group.name, label: holder.label, event });
  }
}
