import { Xoshiro128 } from '../../random/seeded-random.js'
import { WavesError } from '../../errors/index.js'

/**
 * How long one hop between the strategy and the venue takes: an order on its
 * way in, a report on its way back, or market data on its way out. Draws are
 * deterministic for a seed, so a replay gives the same fills every run.
 */
export interface LatencyModel {
  /** One hop's latency in nanoseconds, never negative. */
  nextLatencyNs(): number
}

/** Every hop takes the same time. */
export class ConstantLatency implements LatencyModel {
  readonly latencyNs: number

  constructor(latencyNs: number) {
    if (!(Number.isFinite(latencyNs) && latencyNs >= 0)) {
      throw new WavesError('ERR_SIM_VENUE_CONFIG', `a constant latency must be a finite, non-negative number of nanoseconds, got ${latencyNs}`, { latencyNs })
    }
    this.latencyNs = latencyNs
  }

  nextLatencyNs(): number {
    return this.latencyNs
  }
}

/**
 * Hops drawn from round trips recorded against a real venue (send to ack),
 * uniformly with a seeded generator; one hop is half a round trip, the
 * network being taken as symmetric. Recorded tails (a slow ack, a queueing
 * burst) come back in proportion to how often they were seen.
 */
export class RecordedRoundTripLatency implements LatencyModel {
  readonly #oneWayNs: Float64Array
  readonly #random: Xoshiro128

  constructor(roundTripsNs: readonly number[], seed: number) {
    if (roundTripsNs.length === 0) {
      throw new WavesError('ERR_SIM_VENUE_CONFIG', 'recorded round trips must list at least one round trip', {})
    }
    const bad = roundTripsNs.findIndex((rtt) => !(Number.isFinite(rtt) && rtt >= 0))
    if (bad >= 0) {
      throw new WavesError('ERR_SIM_VENUE_CONFIG', `recorded round trip ${bad} must be a finite, non-negative number of nanoseconds, got ${roundTripsNs[bad]}`, { index: bad })
    }
    this.#oneWayNs = Float64Array.from(roundTripsNs, (rtt) => rtt / 2)
    this.#random = Xoshiro128.fromSeed(seed)
  }

  nextLatencyNs(): number {
    return this.#oneWayNs[Math.floor(this.#random.nextFloat() * this.#oneWayNs.length)]!
  }
}

/** Every draw of another model moved by `shiftNs` (either way), never below 0. */
export class ShiftedLatency implements LatencyModel {
  readonly #model: LatencyModel
  readonly #shiftNs: number

  constructor(model: LatencyModel, shiftNs: number) {
    if (!Number.isFinite(shiftNs)) throw new WavesError('ERR_SIM_VENUE_CONFIG', `a latency shift must be a finite number of nanoseconds, got ${shiftNs}`, { shiftNs })
    this.#model = model
    this.#shiftNs = shiftNs
  }

  nextLatencyNs(): number {
    return Math.max(0, this.#model.nextLatencyNs() + this.#shiftNs)
  }
}

/** The config's shape of a latency: a constant, or recorded round trips with a seed; either moved by `shiftNs`. */
export type LatencySpec = ({ constantNs: number } | { roundTripsNs: readonly number[]; seed: number }) & { shiftNs?: number }

export function latencyModelOf(spec: LatencySpec): LatencyModel {
  const model = 'constantNs' in spec ? new ConstantLatency(spec.constantNs) : new RecordedRoundTripLatency(spec.roundTripsNs, spec.seed)
  return spec.shiftNs === undefined || spec.shiftNs === 0 ? model : new ShiftedLatency(model, spec.shiftNs)
}
