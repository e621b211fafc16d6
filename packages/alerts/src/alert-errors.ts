// The refusals of the alerts' API: a catalogue code and a message naming the field and the rule.

export type AlertErrorCode = 'VALIDATION_FAILED' | 'MARKET_NOT_FOUND' | 'NOT_FOUND';

/** A request the alerts refuse, with the catalogue code and a message naming the field and rule. */
export class AlertInputError extends Error {
  readonly code: AlertErrorCode;
  constructor(code: AlertErrorCode, message: string) {
    super(message);
    this.name = 'AlertInputError';
    this.code = code;
  }
}
