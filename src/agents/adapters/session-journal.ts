import { replayConsumed, writtenSince, type RingConsumer, type SingleProducerSequencer } from '../../ring/index.js'
import { Fill, MessageType, OrderEvent } from '../../schemas/index.js'
import type { FillFields, OrderEventFields } from './fill-ring-writer.js'
import { RequestReader } from './request-reader.js'
import type { VenueSessions } from './venue-requests.js'

/** Where the adapters stood on their rings when a snapshot was taken: the next sequence of each. */
export interface JournalMarks {
  /** Next request to take off the venue ring (execution's) and the fast ring (the strategy's fast path). */
  venue: number
  fast: number
  /** Next answer to write on the fill ring. */
  fills: number
}

/** Answers replayed from the fill ring, as they were written. */
export interface AnswerReplay {
  event(fields: OrderEventFields): void
  fill(fields: FillFields): void
}

export interface JournalReplay {
  requests: number
  answers: number
  /** Of the answers waiting at the snapshot, how many (the last ones) never reached the ring: they are still to write. */
  unwritten: number
  /** Rings whose messages since the mark were overwritten before they could be read: what they said is not known. */
  lost: Array<'venue' | 'fast' | 'fills'>
}

/**
 * The rings as the adapters' journal. The rings live in shared memory and
 * outlive the adapters thread, so a restarted adapters thread, handed the
 * snapshot its last incarnation took, can read what passed through after
 * it: the requests taken off the venue and fast rings (the producer keeps
 * writing meanwhile: `replayConsumed` copies them first, kept only if no
 * slot was reused under the read) and the answers written on the fill ring
 * (the adapters' own, so nothing else writes there). A slot is reused
 * `capacity` messages later; a ring that moved further than that since the
 * snapshot has lost what it held, and says so.
 */
export class SessionJournal {
  readonly #venue: RingConsumer
  readonly #fast: RingConsumer
  readonly #fills: SingleProducerSequencer

  constructor(venue: RingConsumer, fast: RingConsumer, fills: SingleProducerSequencer) {
    this.#venue = venue
    this.#fast = fast
    this.#fills = fills
  }

  /** Where the rings stand now, for a snapshot. */
  marks(): JournalMarks {
    return { venue: this.#venue.next, fast: this.#fast.next, fills: this.#fills.next }
  }

  /**
   * Hands what went through the rings since `marks` to `requests` (requests
   * first, venue ring then fast ring, each in ring order) and to `answers`
   * (in ring order). The `waiting` answers the snapshot held for room on
   * the ring were counted as told already: they are the first written
   * after the mark, if they were, and are not handed over. Nothing is sent
   * or written.
   */
  replay(marks: JournalMarks, requests: VenueSessions, answers: AnswerReplay, waiting = 0): JournalReplay {
    const out: JournalReplay = { requests: 0, answers: 0, unwritten: 0, lost: [] }
    const reader = new RequestReader()
    reader.attach(requests)
    for (const [name, consumer, mark] of [['venue', this.#venue, marks.venue], ['fast', this.#fast, marks.fast]] as const) {
      const taken = replayConsumed(consumer, mark, reader.handler)
      if (taken === undefined) out.lost.push(name)
      else out.requests += taken
    }
    const written = writtenSince(this.#fills, marks.fills)
    out.unwritten = Math.max(0, waiting - (this.#fills.next - marks.fills))
    if (written === undefined) {
      out.lost.push('fills')
      return out
    }
    const ring = this.#fills.ring
    const event = new OrderEvent()
    const fill = new Fill()
    for (const s of written.slice(waiting)) {
      const type = ring.messageType(s)
      const offset = ring.payloadOffset(s)
      if (type === MessageType.OrderEvent) answers.event(eventFields(event.__init(offset, ring.byteBuffer)))
      else if (type === MessageType.Fill) answers.fill(fillFields(fill.__init(offset, ring.byteBuffer)))
      out.answers++
    }
    return out
  }
}

function eventFields(e: OrderEvent): OrderEventFields {
  return {
    tsNs: e.tsNs(),
    clientOrderId: e.clientOrderId(),
    venueId: e.venueId(),
    status: e.status(),
    reasonCode: e.reasonCode(),
    filledLots: e.filledLots(),
    remainingLots: e.remainingLots(),
    refused: e.refused(),
  }
}

function fillFields(f: Fill): FillFields {
  return {
    tsNs: f.tsNs(),
    clientOrderId: f.clientOrderId(),
    venueFillId: f.venueFillId(),
    instrumentId: f.instrumentId(),
    venueId: f.venueId(),
    side: f.side(),
    liquidity: f.liquidity(),
    priceTicks: f.priceTicks(),
    sizeLots: f.sizeLots(),
    feeQuoteUnits: f.feeQuoteUnits(),
    strategyId: f.strategyId(),
  }
}
