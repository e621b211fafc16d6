// Non-canonical spellings of a base64 signature, shared by the native and Kalshi replay tests: each
// decodes (leniently) to the same bytes, or is the same text with junk around it.

import assert from 'node:assert/strict';

/** Ways to write the same signature bytes (or bytes that decode to them) other than canonically. */
export function reencodings(sig: string): [string, string][] {
  const raw = Buffer.from(sig, 'base64');
  assert.equal(raw.toString('base64'), sig, 'the original is canonical');
  const pad = /=*$/.exec(sig)![0];
  const body = sig.slice(0, sig.length - pad.length);
  // The last character before the padding carries unused low bits: set one of them.
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const last = alphabet.indexOf(body.at(-1)!);
  const loose = body.slice(0, -1) + alphabet[last | 1] + pad;
  return [
    ['leading junk', `!${sig}`],
    ['trailing junk', `${sig}!`],
    ['inner space', `${sig.slice(0, 20)} ${sig.slice(20)}`],
    ['inner tab', `${sig.slice(0, 20)}\t${sig.slice(20)}`],
    ['base64url', raw.toString('base64url')],
    ['base64url with padding', raw.toString('base64url') + pad],
    ['padding removed', body],
    ['padding added', `${sig}=`],
    ['unused bits set', loose],
    ['percent-encoded padding', sig.replace(/=/g, '%3D')],
  ];
}
