// Wires the connection to the model: a full `list` on every (re)connect,
// events in between, and a `state` request for containers the model meets
// for the first time in an event. Events that arrive while the list is in
// flight are queued and applied after it, so none is lost or overtaken.
import type { ContainerEvent } from '../../helper/protocol/events';
import type { BerthdConnection } from '../berthd/connection';
import type { ContainersModel } from './model';

export class ContainersFeed {
  private readonly subs: { dispose(): void }[] = [];
  private queue: ContainerEvent[] | undefined;

  constructor(
    private readonly conn: BerthdConnection,
    private readonly model: ContainersModel,
    private readonly log: (msg: string) => void = () => {},
  ) {
    this.subs.push(
      conn.onDidChangeState((s) => {
        if (s.kind === 'connected') void this.resync();
        else if (s.kind === 'disconnected') this.model.clear();
      }),
      conn.onEvent((e) => {
        if (this.queue) this.queue.push(e);
        else this.applyEvent(e);
      }),
    );
    if (conn.state.kind === 'connected') void this.resync();
  }

  /** Fetches the whole list again (the Refresh command, and every reconnect). */
  async resync(): Promise<void> {
    this.queue ??= [];
    try {
      const { containers } = await this.conn.request('list', {});
      this.model.reset(containers);
    } catch (e) {
      this.log(`list failed: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      const queued = this.queue ?? [];
      this.queue = undefined;
      for (const e of queued) this.applyEvent(e);
    }
  }

  private applyEvent(e: ContainerEvent): void {
    if (!this.model.apply(e)) return;
    this.conn.request('state', { id: e.id }).then(
      (info) => this.model.upsert(info),
      (err: unknown) => this.log(`state ${e.id} failed: ${err instanceof Error ? err.message : String(err)}`),
    );
  }

  dispose(): void {
    for (const s of this.subs) s.dispose();
  }
}
