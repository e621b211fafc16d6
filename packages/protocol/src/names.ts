// What a username, a market symbol and a password may be: the API's schemas are built from these and
// the web's forms check them before asking, so a form never accepts what the API refuses. It imports
// nothing, so the browser takes it too (the `@bourse/protocol/names` entry).

/** The characters of a username or a market symbol, as a regular expression's character class. */
export const NAME_CHARACTERS = '[A-Za-z0-9_.\\-]';
/** A whole username or market symbol (an HTML `pattern` is anchored already: use NAME_CHARACTERS+). */
export const NAME_PATTERN = `^${NAME_CHARACTERS}+$`;
export const NAME_MAX_LENGTH = 64;

export const PASSWORD_MIN_LENGTH = 8;
export const PASSWORD_MAX_LENGTH = 256;
