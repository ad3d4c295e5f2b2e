import { LatencyHistogram } from '../../metrics/latency-histogram.js'

/**
 * The fast path's tick-to-order as the engine lives it, to the venue's
 * answer: each order off the fast ring carries its tick's time, and the
 * first answer about it written on the fill ring (acknowledged, or filled or
 * refused at once) closes it into the histogram.
 */
export class TickToAck {
  readonly histogram = new LatencyHistogram()
  /** Orders sent and not yet answered: their tick's time, by client id. */
  readonly #tickNs = new Map<number, number>()

  sent(clientOrderId: number, tickTsNs: number): void {
    this.#tickNs.set(clientOrderId, tickTsNs)
  }

  answered(clientOrderId: number, answerTsNs: number): void {
    const tickNs = this.#tickNs.get(clientOrderId)
    if (tickNs === undefined) return
    this.#tickNs.delete(clientOrderId)
    this.histogram.recordNs(answerTsNs - tickNs)
  }
}
