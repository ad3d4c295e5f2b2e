import { Regime, RegimeConfirmation } from '../schemas/index.js'

/**
 * Whether the regime read from the book (market_conditions) is borne out by
 * the one read from the return series (intelligence). Illiquidity is a fact
 * of the book that returns cannot speak to, and an Unknown on either side is
 * no evidence yet: both stay pending rather than count as agreement.
 */
export function confirmRegime(sensed: Regime, analyzed: Regime): RegimeConfirmation {
  if (sensed === Regime.Unknown || analyzed === Regime.Unknown || sensed === Regime.Illiquid) return RegimeConfirmation.Pending
  return sensed === analyzed ? RegimeConfirmation.Confirmed : RegimeConfirmation.Disputed
}
