import { describe, expect, it } from 'vitest'
import { FillRingWriter, type OrderEventFields } from '../../src/agents/adapters/fill-ring-writer.js'
import { SessionJournal } from '../../src/agents/adapters/session-journal.js'
import type { VenueSessions } from '../../src/agents/adapters/venue-requests.js'
import { RingBuffer, RingConsumer, SingleProducerSequencer } from '../../src/ring/index.js'
import { largestStructBytes, MessageType, OrderStatus, Side } from '../../src/schemas/index.js'
import { readAnswers, RequestWriter } from '../fixtures/ring/engine-rings.js'

/** The adapters' three rings, small enough to wrap, and their ends on both sides. */
function rings(capacity: number) {
  const requests = () => RingBuffer.create({ capacity, maxPayloadBytes: largestStructBytes([MessageType.Order, MessageType.OrderCancel, MessageType.OrderAmend]) })
  const venue = requests()
  const fast = requests()
  const fills = RingBuffer.create({ capacity, maxPayloadBytes: largestStructBytes([MessageType.Fill, MessageType.OrderEvent]) })
  const taken = { venue: new RingConsumer(venue, 0), fast: new RingConsumer(fast, 0) }
  const sequencer = new SingleProducerSequencer(fills)
  return {
    execution: new RequestWriter(venue),
    taken,
    writer: new FillRingWriter(sequencer),
    reader: new RingConsumer(fills, 0),
    journal: new SessionJournal(taken.venue, taken.fast, sequencer),
    /** A journal as a restarted thread builds it: new ends on the same rings. */
    restarted: () => new SessionJournal(new RingConsumer(venue, 0), new RingConsumer(fast, 0), new SingleProducerSequencer(fills)),
  }
}

function recorder() {
  const seen: unknown[] = []
  const requests: VenueSessions = {
    submit: (o) => seen.push(['submit', o.clientOrderId, o.sizeLots]),
    cancel: (c) => seen.push(['cancel', c.clientOrderId]),
    amend: (a) => seen.push(['amend', a.clientOrderId, a.newClientOrderId, a.sizeLots]),
  }
  const answers = { event: (e: OrderEventFields) => seen.push(['event', e.clientOrderId, e.status]), fill: (f: { clientOrderId: number; venueFillId: number }) => seen.push(['fill', f.clientOrderId, f.venueFillId]) }
  return { seen, requests, answers }
}

const ack = (id: number): OrderEventFields => ({ tsNs: 1, clientOrderId: id, venueId: 1, status: OrderStatus.Acknowledged, reasonCode: 0, filledLots: 0, remainingLots: 10 })
const order = (id: number) => ({ clientOrderId: id, venueId: 1, instrumentId: 0, side: Side.Buy, priceTicks: 100, sizeLots: 10 })

describe('the rings as the adapters journal', () => {
  it('hands over what passed after the marks, requests then answers, in ring order', () => {
    const r = rings(16)
    r.execution.order(order(1))
    r.taken.venue.drain(() => {})
    const marks = r.journal.marks()
    r.execution.order(order(2))
    r.execution.cancel(1, 1, 0, Side.Buy)
    r.execution.amend(2, 3, 1, 0, Side.Buy, 0, 4)
    r.taken.venue.drain(() => {})
    r.writer.event(ack(2))
    r.writer.fill({ tsNs: 1, clientOrderId: 2, venueFillId: 77, instrumentId: 0, venueId: 1, side: Side.Buy, liquidity: 0, priceTicks: 100, sizeLots: 6, feeQuoteUnits: 0 })
    const { seen, requests, answers } = recorder()
    const replayed = r.restarted().replay(marks, requests, answers)
    expect(seen).toEqual([['submit', 2, 10], ['cancel', 1], ['amend', 2, 3, 4], ['event', 2, OrderStatus.Acknowledged], ['fill', 2, 77]])
    expect(replayed).toEqual({ requests: 3, answers: 2, unwritten: 0, lost: [] })
  })

  it('says which rings moved on past the marks by more than they hold: those messages are gone', () => {
    const r = rings(4)
    const marks = r.journal.marks()
    for (let id = 1; id <= 5; id++) {
      r.execution.order(order(id))
      r.taken.venue.drain(() => {})
      r.writer.event(ack(id))
      r.reader.drain(() => {})
    }
    const { seen, requests, answers } = recorder()
    expect(r.restarted().replay(marks, requests, answers).lost).toEqual(['venue', 'fills'])
    expect(seen).toEqual([])
  })

  it('skips the answers the snapshot held as waiting when they reached the ring, and says how many never did', () => {
    const r = rings(2)
    // Nobody reads the fill ring: the third answer waits for room.
    for (let id = 1; id <= 3; id++) r.writer.event(ack(id))
    expect(r.writer.pending).toBe(1)
    const marks = r.journal.marks()
    const waiting = r.writer.pendingAnswers()
    expect(waiting).toEqual([{ kind: 'event', fields: ack(3) }])

    // The thread died with the answer still waiting: it is still to write.
    let replay = recorder()
    expect(r.restarted().replay(marks, replay.requests, replay.answers, waiting.length)).toMatchObject({ answers: 0, unwritten: 1 })

    // Or room came and it was written before the thread died: not handed over again, nothing to write.
    expect(readAnswers(r.reader)).toHaveLength(2)
    r.writer.flush()
    r.writer.event(ack(4))
    replay = recorder()
    expect(r.restarted().replay(marks, replay.requests, replay.answers, waiting.length)).toMatchObject({ answers: 1, unwritten: 0 })
    expect(replay.seen).toEqual([['event', 4, OrderStatus.Acknowledged]])
  })
})
