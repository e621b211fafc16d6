// A plain socket's replies of one turn go out as one buffer of frames (ws/socket-writer.ts): it must
// hold exactly the frames built one by one, for text of every size class and in UTF-8.

import assert from 'node:assert/strict';
import { test } from 'node:test';
import { textFrame, textFrames } from '../src/ws/text-frame.ts';

test('frames joined in one buffer are the frames built one by one', () => {
  const payloads: (string | Buffer)[] = [
    '',
    'a',
    '{"type":"ack"}',
    'ü€😀'.repeat(40), // 125 < UTF-8 bytes < 65,536 while 160 chars
    'x'.repeat(125),
    'x'.repeat(126),
    Buffer.alloc(65_535, 0x61),
    Buffer.alloc(65_536, 0x62),
    'y'.repeat(70_000),
  ];
  const one = Buffer.concat(
    payloads.map((p) => textFrame(typeof p === 'string' ? Buffer.from(p) : p)),
  );
  assert.deepEqual(textFrames(payloads), one);
  assert.deepEqual(textFrames([]), Buffer.alloc(0));
});
