// One lease's keep-alives over one kept stream. etcd's LeaseKeepAlive is a bidirectional stream on
// which each request renews the lease and gets one response, in order; `etcd3`'s `keepaliveOnce`
// opens a new stream for every keep-alive (call set-up, HTTP/2 headers and a stream on the member,
// three wake-ups of an idle node each), so a node renewing every third of its TTL paid that 1.5
// times a second. Here one stream carries them all: a request is written only once the previous one
// was answered, so each response belongs to the request just written; a stream that errs, ends or
// leaves a request unanswered in time is dropped and the next keep-alive opens a new one through
// the client's fault handling (another member, if this one failed). `etcd3`'s own kept-stream loop
// (`autoKeepAlive`) is not used: it gives a lease up after 2 × TTL without an answer (election.ts).

import type { Etcd3, IDuplexStream, ILeaseKeepAliveRequest, ILeaseKeepAliveResponse } from 'etcd3';

type Stream = IDuplexStream<ILeaseKeepAliveRequest, ILeaseKeepAliveResponse>;

interface Waiting {
  readonly resolve: (ttl: number) => void;
  readonly reject: (error: Error) => void;
}

export class LeaseKeepAlive {
  readonly #client: Etcd3;
  #stream: Promise<Stream> | undefined;
  #waiting: Waiting | undefined;
  #closed = false;

  constructor(client: Etcd3) {
    this.#client = client;
  }

  /**
   * One keep-alive of lease `id`: resolves with the TTL etcd answered (0 once the lease is gone);
   * rejects when the stream breaks or no answer came within `timeoutMs` (the stream is dropped).
   */
  async once(id: string, timeoutMs: number): Promise<number> {
    if (this.#closed) throw new Error('keep-alives closed');
    if (this.#waiting !== undefined) throw new Error('a keep-alive is already in flight');
    let timer: ReturnType<typeof setTimeout> | undefined;
    try {
      return await new Promise<number>((resolve, reject) => {
        this.#waiting = { resolve, reject };
        timer = setTimeout(() => this.#fail(new Error('keep-alive timed out')), timeoutMs);
        const fail = (error: unknown) =>
          this.#fail(error instanceof Error ? error : new Error(String(error)));
        (this.#stream ??= this.#open()).then((stream) => {
          try {
            stream.write({ ID: id });
          } catch (error) {
            fail(error);
          }
        }, fail);
      });
    } finally {
      clearTimeout(timer);
      this.#waiting = undefined;
    }
  }

  /** Ends the stream; `once` refuses from now on. */
  close(): void {
    this.#closed = true;
    this.#fail(new Error('keep-alives closed'));
  }

  #open(): Promise<Stream> {
    const opening: Promise<Stream> = this.#client.leaseClient.leaseKeepAlive().then((stream) => {
      // A dropped stream's late answer or end finds another stream current here and is ignored: an
      // answer to an earlier request never counts for a later one.
      const current = () => this.#stream === opening;
      stream.on('data', (res) => {
        if (!current()) return;
        const waiting = this.#waiting;
        this.#waiting = undefined;
        waiting?.resolve(Number(res.TTL));
      });
      stream.on('error', (error) => {
        if (current()) this.#fail(error);
      });
      stream.on('end', () => {
        if (current()) this.#fail(new Error('keep-alive stream ended'));
      });
      return stream;
    });
    return opening;
  }

  /** Rejects the keep-alive in flight, if any, and drops the stream (the next one opens anew). */
  #fail(error: Error): void {
    const stream = this.#stream;
    this.#stream = undefined;
    const waiting = this.#waiting;
    this.#waiting = undefined;
    waiting?.reject(error);
    // Ended, not cancelled: the client counts a cancelled stream's error against its member and
    // may reset that member's connection, which the node's watches share.
    stream?.then(
      (s) => {
        try {
          s.end();
        } catch {
          // Already ended or broken.
        }
      },
      () => {},
    );
  }
}
