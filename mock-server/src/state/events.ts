/** What the mock tells subscribers (the SSE stream, the web inbox) as it happens. */
export type MockEventType = "email.captured" | "auth_request.verified" | "auth_request.failed" | "fault.hit" | "clock.changed";

export interface MockEvent {
  /** Increases by one per event, across environments. */
  id: number;
  type: MockEventType;
  environmentId: string;
  data: Record<string, unknown>;
}

export type Publish = (type: MockEventType, data: Record<string, unknown>) => void;

export class EventBus {
  #nextId = 1;
  readonly #subscribers = new Set<(event: MockEvent) => void>();

  publish(type: MockEventType, environmentId: string, data: Record<string, unknown>): void {
    const event: MockEvent = { id: this.#nextId++, type, environmentId, data };
    for (const subscriber of this.#subscribers) subscriber(event);
  }

  /** Returns the function that unsubscribes. */
  subscribe(subscriber: (event: MockEvent) => void): () => void {
    this.#subscribers.add(subscriber);
    return () => this.#subscribers.delete(subscriber);
  }
}
