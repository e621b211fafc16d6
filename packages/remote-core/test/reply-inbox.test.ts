// The gateway's reply inbox against a real nats-server: replies find their request by id whatever order
// they come in, nobody subscribed is told apart from no answer (the retry rule depends on it), a
// request nobody answers times out, a forgotten one drops its late reply, closing fails the rest, and
// nothing of a settled request stays held (see the inbox's comment on why not a Map).

import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { connect, type Msg, type NatsConnection } from '@nats-io/transport-node';
import { NatsServerProcess } from '@bourse/cluster';
import { encodeGroupedReplies } from '@bourse/cluster/protocol';
import { ReplyInbox } from '../src/reply-inbox.ts';

const text = (s: string) => new TextEncoder().encode(s);
const read = (b: Uint8Array) => new TextDecoder().decode(b);

describe('reply inbox', { timeout: 60_000 }, () => {
  let nats: NatsServerProcess;
  let server: NatsConnection;
  let client: NatsConnection;

  before(async () => {
    nats = await NatsServerProcess.start();
    server = await connect({ servers: nats.url });
    client = await connect({ servers: nats.url });
    // Answers "a" after "b": each reply must still reach its own request.
    let held: Msg | undefined;
    server.subscribe('echo', {
      callback: (_e, msg) => {
        const body = read(msg.data);
        if (body === 'a') held = msg;
        else {
          msg.respond(text(`re:${body}`));
          held?.respond(text('re:a'));
          held = undefined;
        }
      },
    });
    server.subscribe('silent', { callback: () => {} });
    // Holds requests until "go", then answers them all in one grouped reply to the first one's subject.
    const group: Msg[] = [];
    server.subscribe('grouped', {
      callback: (_e, msg) => {
        if (read(msg.data) !== 'go') {
          group.push(msg);
          return;
        }
        const parts = group.map((m) => ({
          id: Number(m.reply!.slice(m.reply!.lastIndexOf('.') + 1)),
          body: text(`re:${read(m.data)}`),
        }));
        server.publish(group[0]!.reply!, encodeGroupedReplies(parts));
        group.length = 0;
        msg.respond(text('went'));
      },
    });
    await server.flush();
  });

  after(async () => {
    await server?.close();
    await client?.close();
    await nats?.stop();
  });

  it('matches each reply to its request, in any order', async () => {
    const inbox = new ReplyInbox(client, 5_000);
    try {
      const a = inbox.request('echo', text('a'));
      const b = inbox.request('echo', text('b'));
      const [ra, rb] = await Promise.all([a.reply, b.reply]);
      assert.equal(ra.kind === 'reply' && read(ra.data), 're:a');
      assert.equal(rb.kind === 'reply' && read(rb.data), 're:b');
      assert.equal(inbox.waiting, 0);
    } finally {
      inbox.close();
    }
  });

  it('tells no responders apart from a timeout', async () => {
    const inbox = new ReplyInbox(client, 300);
    try {
      const nobody = await inbox.request('nobody.listens', text('x')).reply;
      assert.deepEqual(nobody, { kind: 'noResponders' });
      const silent = await inbox.request('silent', text('x')).reply;
      assert.deepEqual(silent, { kind: 'failed', why: 'timeout' });
      assert.equal(inbox.waiting, 0);
    } finally {
      inbox.close();
    }
  });

  it('settles each request of a grouped reply with its own part, skipping one given up on', async () => {
    const inbox = new ReplyInbox(client, 5_000);
    try {
      const a = inbox.request('grouped', text('a'));
      const b = inbox.request('grouped', text('b'));
      const c = inbox.request('grouped', text('c'));
      inbox.forget(b.id);
      await inbox.request('grouped', text('go')).reply;
      const [ra, rc] = await Promise.all([a.reply, c.reply]);
      assert.equal(ra.kind === 'reply' && read(ra.data), 're:a');
      assert.equal(rc.kind === 'reply' && read(rc.data), 're:c');
      assert.equal(inbox.waiting, 0);
    } finally {
      inbox.close();
    }
  });

  it('holds nothing of a settled request once the ones before it are settled', async () => {
    const inbox = new ReplyInbox(client, 1_000);
    try {
      // "a" is answered only after the next "b": replies come out of order all along.
      for (let round = 0; round < 20; round++) {
        const requests = Array.from({ length: 50 }, (_, i) =>
          inbox.request('echo', text(i % 2 === 0 ? 'a' : 'b')),
        );
        await Promise.all(requests.map((r) => r.reply));
        assert.equal(inbox.waiting, 0);
        assert.equal(inbox.held, 0);
      }
      // One request nobody answers holds the answered ones behind it until it times out, no longer.
      const silent = inbox.request('silent', text('x'));
      const answered = Array.from({ length: 10 }, () => inbox.request('echo', text('b')));
      await Promise.all(answered.map((r) => r.reply));
      assert.equal(inbox.waiting, 1);
      assert.equal(inbox.held, 11);
      assert.deepEqual(await silent.reply, { kind: 'failed', why: 'timeout' });
      assert.equal(inbox.held, 0);
      const late = inbox.request('echo', text('b'));
      assert.equal((await late.reply).kind, 'reply');
      assert.equal(inbox.held, 0);
    } finally {
      inbox.close();
    }
  });

  it('drops a forgotten request and fails the ones in flight when closed', async () => {
    const inbox = new ReplyInbox(client, 5_000);
    const forgotten = inbox.request('silent', text('x'));
    inbox.forget(forgotten.id);
    assert.equal(inbox.waiting, 0);
    const pending = inbox.request('silent', text('y'));
    inbox.close();
    assert.equal((await pending.reply).kind, 'failed');
    assert.equal((await inbox.request('echo', text('b')).reply).kind, 'failed');
  });
});
