import type { Logger } from "pino";

/**
 * The gateway's in-process domain events: facts the indexer has committed to the index, for reactions in other
 * domains (an invoice confirmed -> its one-stop financing request submitted). They are raised only for logs newly
 * projected, never for a replay after a reorg, and only after the transaction that holds them has committed.
 */
export interface DomainEvents {
  invoiceConfirmed: { invoiceId: string; blockNumber: number; txHash: string; actor: string };
}

export type DomainEventName = keyof DomainEvents;
export type DomainEvent = { [K in DomainEventName]: { type: K } & DomainEvents[K] }[DomainEventName];
type Listener<K extends DomainEventName> = (event: DomainEvents[K]) => Promise<void> | void;

/**
 * A typed, in-process event bus. `publish` starts every listener of every event and returns one promise that settles
 * when all have finished; a listener's failure is logged and never reaches the publisher or the other listeners.
 */
export class DomainEventBus {
  private readonly listeners: { [K in DomainEventName]?: Listener<K>[] } = {};

  constructor(private readonly logger?: Logger) {}

  on<K extends DomainEventName>(type: K, listener: Listener<K>): () => void {
    const list = (this.listeners[type] ??= []) as Listener<K>[];
    list.push(listener);
    return () => {
      const i = list.indexOf(listener);
      if (i >= 0) list.splice(i, 1);
    };
  }

  publish(events: readonly DomainEvent[]): Promise<void> {
    const runs: Promise<void>[] = [];
    for (const event of events) {
      const { type, ...payload } = event;
      for (const listener of (this.listeners[type] ?? []) as Listener<typeof type>[]) {
        runs.push(
          Promise.resolve()
            .then(() => listener(payload))
            .catch((err: unknown) => this.logger?.warn({ err, event }, "domain event listener failed")),
        );
      }
    }
    return runs.length ? Promise.all(runs).then(() => undefined) : Promise.resolve();
  }
}
