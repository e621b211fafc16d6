// Credential changes between the gateways of a cluster: each gateway publishes the revocations and user
// changes it makes on `<prefix>.auth`, and applies the others' (its caches forget, its sockets close).
// The bus may lose a message while a gateway is disconnected, so on every reconnect the gateway forgets
// all its cached credentials and reads them from the shared store again.

import { randomUUID } from 'node:crypto';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import type { AuthChange, AuthPeers, Authenticator } from '@bourse/gateway';
import { decodeMessage, encodeMessage } from '@bourse/cluster/protocol';

interface AuthMessage {
  /** The publishing gateway, so it skips its own messages. */
  readonly from: string;
  readonly change: AuthChange;
}

export class NatsAuthPeers implements AuthPeers {
  readonly #nats: NatsConnection;
  readonly #subject: string;
  readonly #self = randomUUID();
  #sub: Subscription | undefined;
  #stopStatus = false;
  /** Changes received from other gateways; for metrics and tests. */
  received = 0;

  constructor(nats: NatsConnection, prefix = 'bourse') {
    this.#nats = nats;
    this.#subject = `${prefix}.auth`;
  }

  publish(change: AuthChange): void {
    const message: AuthMessage = { from: this.#self, change };
    try {
      this.#nats.publish(this.#subject, encodeMessage(message));
    } catch {
      // A closed connection: the other gateways forget their caches when they reconnect.
    }
  }

  /** Starts applying the other gateways' changes to this gateway's authenticator. */
  attach(authenticator: Authenticator): void {
    this.#sub = this.#nats.subscribe(this.#subject, {
      callback: (error, msg) => {
        if (error !== null) return;
        const m = decodeMessage<AuthMessage>(msg.data);
        if (m.from === this.#self) return;
        this.received++;
        authenticator.applyPeerChange(m.change);
      },
    });
    void (async () => {
      for await (const status of this.#nats.status()) {
        if (this.#stopStatus) return;
        if (status.type === 'reconnect') authenticator.forgetCaches();
      }
    })();
  }

  close(): void {
    this.#stopStatus = true;
    this.#sub?.unsubscribe();
  }
}
