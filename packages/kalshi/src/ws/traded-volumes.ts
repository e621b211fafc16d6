// An account's lots traded per market in its fills up to a sequence number, from the read models (the
// part of `market_position.volume_fp` that predates this process).

import type { ExchangeCore } from '@bourse/core';

export async function tradedVolumes(
  readModels: ExchangeCore['readModels'],
  accountId: number,
  uptoSeq: number,
): Promise<Map<number, number>> {
  await readModels.waitFor(uptoSeq);
  const out = new Map<number, number>();
  let cursor: string | undefined;
  // Bounded like the REST positions' fill walk: 1,000 pages of 1,000 fills.
  for (let page = 0; page < 1_000; page++) {
    const r = await readModels.fills({
      accountId,
      limit: 1_000,
      ...(cursor === undefined ? {} : { cursor }),
    });
    for (const f of r.items) {
      if (f.seq <= uptoSeq) out.set(f.instrumentId, (out.get(f.instrumentId) ?? 0) + f.qtyLots);
    }
    cursor = r.nextCursor;
    if (cursor === undefined) break;
  }
  return out;
}
