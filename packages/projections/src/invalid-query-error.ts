// The one error a read-model query throws on bad input, with a stable code the gateway maps to a 400
// response. Storage failures are not wrapped: they are the server's 500s.

export type InvalidQueryCode = 'INVALID_CURSOR' | 'INVALID_LIMIT' | 'INVALID_QUERY';

export class InvalidQueryError extends Error {
  readonly code: InvalidQueryCode;
  constructor(code: InvalidQueryCode, message: string) {
    super(message);
    this.name = 'InvalidQueryError';
    this.code = code;
  }
}
