// Client-chosen identifiers (client order ids, transfer ids, symbols, asset codes) are non-empty
// strings without control characters: they end up in SQL, logs and JSON, and U+0000 in particular
// cannot be stored in PostgreSQL text.

// biome-ignore lint/suspicious/noControlCharactersInRegex: the point is to find them.
const CONTROL = /[\u0000-\u001f\u007f]/;

export function isIdentifier(x: unknown, maxLength: number): x is string {
  return typeof x === 'string' && x.length > 0 && x.length <= maxLength && !CONTROL.test(x);
}
