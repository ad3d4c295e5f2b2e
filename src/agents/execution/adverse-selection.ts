import { Ewma, type EwmaState } from '../../market/ewma.js'
import { Side } from '../../schemas/index.js'

/** The mid's move against a fill of `side`, in bps of the mid at the fill: positive when it went against it. */
export function adverseMoveBps(side: Side, midAtFillTicks: number, midLaterTicks: number): number {
  const move = side === Side.Buy ? midAtFillTicks - midLaterTicks : midLaterTicks - midAtFillTicks
  return (move / midAtFillTicks) * 10_000
}

/** What a snapshot keeps of one venue's measure: the average, and the fills still waiting for their horizon. */
export interface AdverseSelectionState {
  bps: EwmaState
  pending: PendingFill[]
  measured: number
  unmeasured: number
}

interface PendingFill {
  instrumentId: number
  side: Side
  midTicks: number
  dueNs: number
}

/**
 * Adverse selection as it happens to this engine's posted orders: for each
 * maker fill, how far the consolidated mid has moved against it `horizonNs`
 * later, averaged (0.1 to the newest) from a prior. Resting orders fill most
 * when the price is about to run through them; a backtest that leaves this
 * out fills its passive orders better than any market will.
 */
export class AdverseSelection {
  readonly #horizonNs: number
  readonly #bps = new Ewma(0.1)
  /** In fill order, so in due order: the horizon is the same for all. */
  readonly #pending: PendingFill[] = []
  /** Fills measured, and fills whose book showed no mid at the horizon. */
  measured = 0
  unmeasured = 0

  constructor(priorBps: number, horizonNs: number) {
    this.#horizonNs = horizonNs
    this.#bps.update(priorBps)
  }

  get bps(): number {
    return this.#bps.mean
  }

  state(): AdverseSelectionState {
    return { bps: this.#bps.state(), pending: this.#pending.map((p) => ({ ...p })), measured: this.measured, unmeasured: this.unmeasured }
  }

  restore(state: AdverseSelectionState): void {
    this.#bps.restore(state.bps)
    this.#pending.splice(0, this.#pending.length, ...state.pending.map((p) => ({ ...p })))
    this.measured = state.measured
    this.unmeasured = state.unmeasured
  }

  /** A maker fill at `nowNs`, with the consolidated mid then. */
  filled(instrumentId: number, side: Side, midTicks: number, nowNs: number): void {
    if (!(midTicks > 0)) return void this.unmeasured++
    this.#pending.push({ instrumentId, side, midTicks, dueNs: nowNs + this.#horizonNs })
  }

  /** Measures every fill whose horizon has passed against `midOf` its instrument now; returns how many. */
  settle(nowNs: number, midOf: (instrumentId: number) => number): number {
    let settled = 0
    while (settled < this.#pending.length && this.#pending[settled]!.dueNs <= nowNs) {
      const p = this.#pending[settled++]!
      const mid = midOf(p.instrumentId)
      if (!(mid > 0)) {
        this.unmeasured++
        continue
      }
      this.#bps.update(adverseMoveBps(p.side, p.midTicks, mid))
      this.measured++
    }
    this.#pending.splice(0, settled)
    return settled
  }
}
