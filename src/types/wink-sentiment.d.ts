declare module 'wink-sentiment' {
  interface WinkToken {
    value: string
    tag: string
    score?: number
    negation?: boolean
  }
  interface WinkSentiment {
    /** Sum of the tokens' lexicon values. */
    score: number
    /** The score per scored token, on AFINN's −5..+5. */
    normalizedScore: number
    tokenizedPhrase: WinkToken[]
  }
  function sentiment(phrase: string): WinkSentiment
  export default sentiment
}
