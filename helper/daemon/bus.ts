// The event bus behind `subscribe`: lifecycle changes are published once
// and fanned out to every subscription whose id filter matches.
import { randomUUID } from 'node:crypto';
import type { ContainerEvent, EventType } from '../protocol/events';
import type { ExitStatus } from '../protocol/types';

export type Published = Omit<ContainerEvent, 'subscription'>;

interface Subscription {
  ids?: Set<string>;
  send: (e: ContainerEvent) => void;
}

export class EventBus {
  private subs = new Map<string, Subscription>();
  private taps: ((e: Published) => void)[] = [];

  /** Sees every published event (berthd's own bookkeeping), subscribers or not. */
  onPublish(tap: (e: Published) => void): void {
    this.taps.push(tap);
  }

  subscribe(send: (e: ContainerEvent) => void, ids?: string[]): string {
    const subscription = randomUUID().replace(/-/g, '');
    this.subs.set(subscription, { send, ids: ids ? new Set(ids) : undefined });
    return subscription;
  }

  unsubscribe(subscription: string): boolean {
    return this.subs.delete(subscription);
  }

  publish(type: EventType, id: string, extra: { pid?: number; exitStatus?: ExitStatus } = {}): void {
    const e: Published = { type, id, time: new Date().toISOString(), ...extra };
    for (const tap of this.taps) tap(e);
    for (const [subscription, s] of this.subs) if (!s.ids || s.ids.has(id)) s.send({ subscription, ...e });
  }

  get count(): number {
    return this.subs.size;
  }
}
