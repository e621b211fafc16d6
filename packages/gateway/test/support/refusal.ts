// What a refused native API call answered: its HTTP status and catalogue code. Fails the test when the
// call succeeded, so a table of bad requests cannot pass by accident.

import assert from 'node:assert/strict';
import { BourseApiError } from '@bourse/client';

export async function refusal(call: Promise<unknown>): Promise<{ status: number; code: string }> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(error instanceof BourseApiError, 'the call was accepted');
  return { status: error.status, code: error.code };
}
