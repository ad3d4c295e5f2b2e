import { Regime } from '../schemas/index.js'

export { Regime }

export interface RegimeEvidence {
  updates: number
  spreadBps: number
  realizedVolBps: number
  /** EWMA return over its stdev: how one-sided recent moves are. */
  trendScore: number
}

export interface RegimeThresholds {
  minUpdates: number
  illiquidSpreadBps: number
  highVolBps: number
  trendScore: number
}

export const DEFAULT_REGIME_THRESHOLDS: RegimeThresholds = Object.freeze({ minUpdates: 20, illiquidSpreadBps: 25, highVolBps: 15, trendScore: 0.5 })

/** The regime the evidence points to, checked from the most to the least alarming. */
export function classifyRegime(e: RegimeEvidence, t: RegimeThresholds = DEFAULT_REGIME_THRESHOLDS): Regime {
  if (e.updates < t.minUpdates) return Regime.Unknown
  if (e.spreadBps >= t.illiquidSpreadBps) return Regime.Illiquid
  if (e.realizedVolBps >= t.highVolBps) return Regime.HighVolatility
  if (Math.abs(e.trendScore) >= t.trendScore) return Regime.Trending
  return Regime.MeanReverting
}
