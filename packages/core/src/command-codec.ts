// The journal's record format for one command: a version byte followed by the command as UTF-8 JSON.
// The version byte lets a later format (a binary layout) coexist with records already on disk.

import type { Command } from '@bourse/engine';

/** Version 1: `[0x01] + UTF-8(JSON.stringify(command))`. */
export const COMMAND_FORMAT_V1 = 1;

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });

/** Builds the journal payload from the command's JSON text (already produced for the engine batch). */
export function encodeCommandJson(json: string): Uint8Array {
  const body = encoder.encode(json);
  const out = new Uint8Array(body.length + 1);
  out[0] = COMMAND_FORMAT_V1;
  out.set(body, 1);
  return out;
}

/** Returns the JSON text of a journal payload; throws on an unknown version byte. */
export function decodeCommandJson(payload: Uint8Array): string {
  const version = payload[0];
  if (version !== COMMAND_FORMAT_V1) {
    throw new Error(`unknown command record version ${String(version)}`);
  }
  return decoder.decode(payload.subarray(1));
}

export function decodeCommand(payload: Uint8Array): Command {
  return JSON.parse(decodeCommandJson(payload)) as Command;
}
