// The sentiment of a headline, from the AFINN-165 lexicon through the `sentiment` package (decision
// 0721): every word has a valence from -5 to +5, negation flips the word after "not", and the score
// is their sum. A few words headlines about markets use often, which AFINN lacks, are added here.

import Sentiment from 'sentiment';

export type SentimentLabel = 'positive' | 'negative' | 'neutral';

export interface SentimentScore {
  /** Sum of the words' valences: an integer, negative for bad news. */
  readonly score: number;
  /** The score per word (three decimals), comparable between short and long headlines. */
  readonly comparative: number;
  readonly label: SentimentLabel;
}

/**
 * Market words AFINN-165 does not rate (or rates for their everyday sense), with valences on its
 * scale: a headline where prices "soar" or "plunge" is good or bad news to most readers.
 */
const MARKET_WORDS: Record<string, number> = {
  soar: 2,
  soars: 2,
  soared: 2,
  surge: 2,
  surges: 2,
  surged: 2,
  rally: 2,
  rallies: 2,
  rallied: 2,
  rebound: 1,
  rebounds: 1,
  gains: 1,
  beats: 1,
  upgrade: 1,
  upgraded: 1,
  record: 1,
  plunge: -2,
  plunges: -2,
  plunged: -2,
  slump: -2,
  slumps: -2,
  tumble: -2,
  tumbles: -2,
  crash: -3,
  crashes: -3,
  collapse: -3,
  collapses: -3,
  downgrade: -1,
  downgraded: -1,
  recession: -2,
  default: -2,
  bankrupt: -3,
  bankruptcy: -3,
  layoffs: -2,
  misses: -1,
};

const analyzer = new Sentiment();
const OPTIONS = { extras: MARKET_WORDS };

/** |comparative| below this reads as neutral: one mild word in a long headline is not a verdict. */
export const NEUTRAL_BAND = 0.05;

export function scoreHeadline(text: string): SentimentScore {
  const r = analyzer.analyze(text, OPTIONS);
  const comparative = Number.isFinite(r.comparative) ? Math.round(r.comparative * 1000) / 1000 : 0;
  const label: SentimentLabel =
    comparative > NEUTRAL_BAND ? 'positive' : comparative < -NEUTRAL_BAND ? 'negative' : 'neutral';
  return { score: r.score, comparative, label };
}
