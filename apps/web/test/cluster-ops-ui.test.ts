// The operations page of a cluster gateway, in Chromium: two real `bourse cluster gateway` processes
// and the projector over a real nats-server and PostgreSQL, in front of a one-node leader on the real
// embedded core (the remote core's test leader, which answers the engine nodes' `status` as they do).
// The page shows what `bourse cluster status` reads: the leader, the term, the node's role, applied
// seq and hash, both gateways, and the read models' seq.

import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { OneNodeCluster } from '../../../packages/remote-core/test/support/one-node-cluster.ts';
import type { SingleNodeLeader } from '../../../packages/remote-core/test/support/single-node-leader.ts';
import { ensureBuilt } from '../scripts/ensure-built.ts';
import { chromiumMissing, launch, screenshot, WAIT_MS } from './support/browser.ts';

describe('the operations page of a cluster', { skip: chromiumMissing(), timeout: 240_000 }, () => {
  let cluster: OneNodeCluster;
  let leader: SingleNodeLeader;
  let browser: Browser;
  const children: ChildProcess[] = [];
  const urls: string[] = [];

  before(async () => {
    ensureBuilt();
    cluster = await OneNodeCluster.start({ node: 'node-a', term: 7 });
    leader = cluster.leader;
    const pgUrl = await cluster.pg.createDatabaseUrl();
    await leader.core.submit({ type: 'createAccount', accountId: 1, userId: 1, subaccount: 0 });
    const common = ['--nats', cluster.nats.url, '--pg', pgUrl, '--log-level', 'warn'];
    await bourse(children, ['cluster', 'projector', ...common]);
    for (let i = 0; i < 2; i++) {
      const ready = await bourse(children, ['cluster', 'gateway', ...common, '--port', '0']);
      urls.push(String(ready.url));
    }
    browser = await launch();
  });

  after(async () => {
    await browser?.close();
    for (const c of children) c.kill('SIGKILL');
    await cluster?.stop();
  });

  test('a gateway serves the cluster status that `cluster status` reads', async () => {
    const res = await fetch(`${urls[0]}/cluster-status`);
    assert.equal(res.status, 200);
    const status = (await res.json()) as {
      mode: string;
      term: number;
      leader: { node: string } | null;
      nodes: { node: string; role: string; appliedSeq: number; lag: number }[];
      gateways: { url: string }[];
    };
    assert.equal(status.mode, 'cluster');
    assert.equal(status.term, 7);
    assert.equal(status.leader?.node, 'node-a');
    assert.deepEqual(
      status.nodes.map((n) => [n.node, n.role, n.appliedSeq, n.lag]),
      [['node-a', 'leader', leader.core.durableSeq, 0]],
    );
    assert.deepEqual(status.gateways.map((g) => g.url).sort(), [...urls].sort());
  });

  test('the operations page shows the leader, the nodes and the gateways', async () => {
    const context = await browser.newContext({ baseURL: urls[1]! });
    try {
      const page = await context.newPage();
      page.setDefaultTimeout(WAIT_MS);
      await page.goto('/ops');
      const card = page.getByTestId('ops-cluster');
      await card.getByTestId('ops-cluster-leader').getByText('node-a').waitFor();
      await card.getByTestId('ops-cluster-term').getByText('7').waitFor();
      const row = card.getByTestId('ops-cluster-nodes').locator('tr[data-node="node-a"]');
      await row.getByText('leader').waitFor();
      await row.getByText(String(leader.core.durableSeq), { exact: true }).waitFor();
      for (const url of urls)
        await card.getByTestId('ops-cluster-gateways').getByText(url).waitFor();
      await card
        .getByTestId('ops-cluster-read-models')
        .getByText(/^seq \d/)
        .waitFor();
      await screenshot(page, 'operations-cluster');
    } finally {
      await context.close();
    }
  });
});

/** The installed `bourse` command line, run as an operator runs it (with this Node). */
const BOURSE = fileURLToPath(new URL('../../../node_modules/.bin/bourse', import.meta.url));

/** Starts `bourse <args>` (kept in `children`) and resolves with the ready line it prints. */
function bourse(children: ChildProcess[], args: string[]): Promise<Record<string, unknown>> {
  const child = spawn(process.execPath, [BOURSE, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`bourse ${args[1]} not ready`)), 120_000);
    child.once('exit', (code) => reject(new Error(`bourse ${args[1]} exited with ${code}`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (!line.startsWith('{"event":"ready"')) return;
      clearTimeout(timer);
      resolve(JSON.parse(line) as Record<string, unknown>);
    });
  });
}
