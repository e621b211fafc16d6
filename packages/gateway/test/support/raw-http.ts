// Raw TCP clients for the HTTP robustness tests: send exactly the bytes given (a request cut short, a
// body that never ends) from a chosen loopback source address, and keep what the server answered and
// when it closed the connection.

import { connect, type Socket } from 'node:net';

export interface RawExchange {
  readonly socket: Socket;
  /** Resolves with everything the server sent once it closed the connection. */
  readonly closed: Promise<string>;
}

/** Opens a connection to 127.0.0.1:`port` (from `localAddress`) and writes `bytes`. */
export async function rawSend(
  port: number,
  bytes: string,
  localAddress = '127.0.0.1',
): Promise<RawExchange> {
  const socket = connect({ host: '127.0.0.1', port, localAddress });
  let received = '';
  socket.setEncoding('latin1');
  socket.on('data', (chunk: string) => {
    received += chunk;
  });
  const closed = new Promise<string>((resolve) => {
    socket.on('error', () => {});
    socket.on('close', () => resolve(received));
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  if (bytes !== '') socket.write(bytes);
  return { socket, closed };
}

/** The status code of the first response in `text` (undefined when there was none). */
export function statusOf(text: string): number | undefined {
  const m = /^HTTP\/1\.1 (\d{3})/.exec(text);
  return m === null ? undefined : Number(m[1]);
}

/** The JSON body of the one response in `text`. */
export function bodyOf(text: string): unknown {
  const at = text.indexOf('\r\n\r\n');
  return JSON.parse(text.slice(at + 4));
}
