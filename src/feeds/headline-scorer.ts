/**
 * Scores a headline's sentiment from −1 (most negative) to +1 (most
 * positive). Sources use one only for records that carry no score.
 */
export interface HeadlineScorer {
  score(headline: string): number
}

/**
 * The shape of a lexicon analyzer that scores tokens, as `natural`'s
 * `SentimentAnalyzer` does (`getSentiment(tokens)`: the mean lexicon value
 * per token; AFINN values run from −5 to +5).
 */
export interface TokenSentimentAnalyzer {
  getSentiment(tokens: string[]): number
}

/**
 * A scorer over a token analyzer: tokenizes, asks the analyzer, and maps its
 * mean per-token value onto [−1, 1] by dividing by the lexicon's largest
 * magnitude (5 for AFINN) and clamping. Text with no scorable token scores 0.
 */
export class LexiconHeadlineScorer implements HeadlineScorer {
  readonly #analyzer: TokenSentimentAnalyzer
  readonly #tokenize: (text: string) => string[]
  readonly #scale: number

  constructor(analyzer: TokenSentimentAnalyzer, tokenize: (text: string) => string[], lexiconMax = 5) {
    if (!(lexiconMax > 0)) throw new RangeError(`lexiconMax must be positive, got ${lexiconMax}`)
    this.#analyzer = analyzer
    this.#tokenize = tokenize
    this.#scale = lexiconMax
  }

  score(headline: string): number {
    const tokens = this.#tokenize(headline)
    if (tokens.length === 0) return 0
    const value = this.#analyzer.getSentiment(tokens) / this.#scale
    return Number.isFinite(value) ? Math.max(-1, Math.min(1, value)) : 0
  }
}
