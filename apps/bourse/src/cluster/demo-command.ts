// `bourse cluster demo`: the demo of `npm start` for a cluster. On an empty exchange it creates the
// demo markets and users (through the cluster, as a gateway would), gives the bots fresh keys, prints
// `{"event":"ready","adminPassword":…}` and runs the bots against the cluster's public URL (HAProxy).

import { parseArgs } from 'node:util';
import { runBots } from '@bourse/bots';
import { AuthStore, createGateway } from '@bourse/gateway';
import { openPgReadSide, RemoteExchangeCore } from '@bourse/remote-core';
import { CLUSTER_HELP } from '../help-texts.ts';
import { botCredentials, DEMO_START_TICKS, isEmptyExchange, seedDemo } from '../demo-setup.ts';
import { connectNats } from './gateway-command.ts';

export async function clusterDemoCommand(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      url: { type: 'string' },
      nats: { type: 'string', default: 'nats://127.0.0.1:4222' },
      pg: { type: 'string' },
      prefix: { type: 'string', default: 'bourse' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return void process.stdout.write(CLUSTER_HELP);
  if (values.pg === undefined || values.url === undefined)
    throw new Error('--pg and --url are required');
  const nats = await connectNats(values.nats, `demo-${process.pid}`);
  const core = await RemoteExchangeCore.open({
    nats,
    prefix: values.prefix,
    readModels: await openPgReadSide(values.pg),
  });
  const authStore = await AuthStore.openPostgres(values.pg);
  // The gateway's services, never listening: the demo is made by the same rules as through the API.
  const gateway = createGateway({ core, authStore });
  await gateway.ready;
  const services = gateway.services;
  const seeded = isEmptyExchange(services) ? await seedDemo(services) : undefined;
  const bots = runBots({
    baseUrl: values.url,
    bots: await botCredentials(services),
    startTicks: DEMO_START_TICKS,
    onError: () => {},
  });
  process.stdout.write(
    `${JSON.stringify({ event: 'ready', role: 'demo', pid: process.pid, adminPassword: seeded?.adminPassword ?? null })}\n`,
  );
  const stop = async () => {
    await bots.stop();
    await gateway.close();
    await core.close();
    await authStore.close();
    await nats.drain();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
}
