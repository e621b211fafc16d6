// The ports handed to servers that take theirs as a flag: distinct, free, outside the kernel's
// ephemeral range (where outgoing connections and other processes' port-0 binds take theirs), and
// never the same as another of our live processes holds; a start that finds one taken anyway is
// tried again on fresh ones.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { createInterface } from 'node:readline';
import { describe, it } from 'node:test';
import {
  addressInUse,
  ephemeralRange,
  freePorts,
  portRange,
  startOnFreshPorts,
} from '@bourse/cluster';
import { claimPort } from '../src/loopback-ports.ts';

const PORTS_MODULE = new URL('../src/loopback-ports.ts', import.meta.url).href;

/** Binds `port` on 127.0.0.1 and closes it again: whether a server could have. */
const bindable = (port: number) =>
  new Promise<boolean>((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });

/**
 * Another process that takes `count` ports and holds them until its stdin closes; resolves with them
 * and a way to end it (resolving once it is gone).
 */
async function holderProcess(count: number) {
  const code = `const { freePorts } = await import(${JSON.stringify(PORTS_MODULE)});
    console.log(JSON.stringify(await freePorts(${count})));
    process.stdin.resume();`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', code], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`port holder exited with ${code}`)));
  });
  return {
    ports: JSON.parse(line) as number[],
    end: async () => {
      child.stdin!.end();
      await exited;
    },
    /** A kill -9: its lock files stay behind. */
    kill: async () => {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

describe('loopback ports for servers', { timeout: 120_000 }, () => {
  it('hands out distinct free ports below the ephemeral range', async () => {
    const [low, high] = ephemeralRange();
    const [first, last] = portRange([low, high]);
    const ports = [...(await freePorts(20)), ...(await freePorts(20))];
    assert.equal(new Set(ports).size, ports.length, 'distinct, also across calls');
    for (const port of ports) {
      assert.ok(port < low || port > high, `${port} is outside ${low}-${high}`);
      assert.ok(port >= first && port <= last, `${port} is within ${first}-${last}`);
      assert.ok(await bindable(port), `${port} can be bound`);
    }
  });

  it('keeps out of the ephemeral range whatever its bounds', () => {
    assert.deepEqual(ephemeralRange('32768\t60999\n'), [32_768, 60_999]);
    assert.deepEqual(portRange([32_768, 60_999]), [20_480, 32_767]);
    assert.deepEqual(portRange([10_000, 60_999]), [1_024, 9_999]);
    assert.deepEqual(portRange([1_024, 50_000]), [50_001, 62_288]);
    assert.deepEqual(portRange([1_024, 65_000]), [1_024, 65_535], 'no room either side');
  });

  it('never hands out a port another live process of ours holds, and takes it once that one ended or was killed', async () => {
    const holders = await Promise.all([holderProcess(30), holderProcess(30)]);
    const held = holders.flatMap((h) => h.ports);
    assert.equal(new Set(held).size, held.length, 'two processes at once get distinct ports');
    const [first] = held;
    assert.equal(await claimPort(first!), false, 'held by a live process');
    await holders[0]!.end();
    assert.equal(await claimPort(first!), true, 'free again once its holder is gone');
    assert.equal(await claimPort(held[30]!), false, 'the other holder still lives');
    await holders[1]!.kill();
    assert.equal(await claimPort(held[30]!), true, 'a killed holder’s lock is stale');
  });

  it('starts again on fresh ports while a start finds its port taken, and no more than asked', async () => {
    const tried: number[][] = [];
    const started = await startOnFreshPorts(2, async (ports) => {
      tried.push(ports);
      if (tried.length < 3) throw new Error('etcd1 exited (1): bind: address already in use');
      return 'started';
    });
    assert.equal(started, 'started');
    assert.equal(new Set(tried.flat()).size, 6, 'fresh ports each time');
    await assert.rejects(
      startOnFreshPorts(
        1,
        async () => {
          throw new Error('listen EADDRINUSE: address already in use 127.0.0.1:1');
        },
        2,
      ),
      /EADDRINUSE/,
    );
    let calls = 0;
    await assert.rejects(
      startOnFreshPorts(1, async () => {
        calls++;
        throw new Error('etcd1 exited (1): data dir refused');
      }),
      /data dir refused/,
    );
    assert.equal(calls, 1, 'any other failure is not tried again');
    assert.ok(addressInUse(new Error('[ALERT] cannot bind socket: Address already in use')));
  });
});
