/** What the mock tells subscribers (the SSE stream, the web inbox) as it happens. */
export type MockEventType = "email.captured" | "auth_request.verified" | "auth_request.failed" | "fault.hit" | "rate.limited" | "clock.changed";

export interface MockEvent {
  /** Increases by one per event, across environments. */
  id: number;
  type: MockEventType;
  environmentId: string;
  data: Record<string, unknown>;
}

/** The data, or a function that makes it: called only when someone listens. */
export type EventData = Record<string, unknown> | (() => Record<string, unknown>);

export type Publish = (type: MockEventType, data: EventData) => void;

export class EventBus {
  #nextId = 1;
  readonly #subscribers = new Set<(event: MockEvent) => void>();

  publish(type: MockEventType, environmentId: string, data: EventData): void {
    const id = this.#nextId++;
    if (this.#subscribers.size === 0) return;
    const event: MockEvent = { id, type, environmentId, data: typeof data === "function" ? data() : data };
    for (const subscriber of this.#subscribers) subscriber(event);
  }

  /** Returns the function that unsubscribes. */
  subscribe(subscriber: (event: MockEvent) => void): () => void {
    this.#subscribers.add(subscriber);
    return () => this.#subscribers.delete(subscriber);
  }
}
