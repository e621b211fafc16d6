// The read models as the core hands them to the gateway: queries run on the gateway thread's own
// connection, while progress and writes belong to the read-model worker that feeds them.

import type { ReadModels } from '@bourse/projections';
import type { ReadModelSink } from './read-model-feeder.ts';

/**
 * The read side handed to the gateway: queries run on this thread's connection, keeping each method
 * bound to the real object; progress (`lastAppliedSeq`, `waitFor`) comes from the writer worker, and
 * `apply` is refused because only the core feeds the read models.
 */
export function readSide(
  models: ReadModels,
  feeder: ReadModelSink,
): ReadModels & { waitFor(seq: number): Promise<void> } {
  const overrides: Record<PropertyKey, unknown> = {
    waitFor: (seq: number) => feeder.waitFor(seq),
    lastAppliedSeq: () => Promise.resolve(feeder.appliedSeq),
    apply: () =>
      Promise.reject(new Error('the exchange core is the only writer of its read models')),
  };
  return new Proxy(models, {
    get(target, property) {
      if (Object.hasOwn(overrides, property)) return overrides[property];
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  }) as ReadModels & { waitFor(seq: number): Promise<void> };
}
