import winkSentiment from 'wink-sentiment'

/**
 * Scores a headline's sentiment from −1 (most negative) to +1 (most
 * positive). Sources use one only for records that carry no score.
 */
export interface HeadlineScorer {
  score(headline: string): number
}

/** The largest magnitude of wink-sentiment's normalized score (AFINN's ±5). */
const WINK_MAX = 5

/**
 * wink-sentiment: the AFINN-165 lexicon plus emoji and emoticon lists, with
 * negation ("not good" scores negative). Its normalized score is a
 * per-token mean on AFINN's −5..+5, mapped here onto −1..+1. A general
 * lexicon: it does not know market words it has no entry for ("rallies"
 * scores 0), which is why scored sources are preferred where they exist.
 */
export class WinkHeadlineScorer implements HeadlineScorer {
  score(headline: string): number {
    const value = winkSentiment(headline).normalizedScore / WINK_MAX
    return Number.isFinite(value) ? Math.max(-1, Math.min(1, value)) : 0
  }
}
