import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { aheadAfterCancels, QUEUE_CANCEL_MODELS, sweepQueue } from '../../src/venues/sim/queue-position.js'
import { ScheduledEvents } from '../../src/venues/sim/scheduled-events.js'

describe('queue position', () => {
  it('cancels move the size ahead by the model: ahead 10 of a level of 30, 15 cancelled', () => {
    expect(aheadAfterCancels(10, 30, 15, 'front')).toBe(0)
    expect(aheadAfterCancels(10, 30, 15, 'back')).toBe(10)
    expect(aheadAfterCancels(10, 30, 15, 'proportional')).toBe(5)
    // More cancelled than stood behind: the rest must have been ahead.
    expect(aheadAfterCancels(10, 30, 25, 'back')).toBe(5)
    // Rounds the ahead share down: 10 × 7 / 30 = 2.33 leaves 8.
    expect(aheadAfterCancels(10, 30, 7, 'proportional')).toBe(8)
  })

  it('a sweep takes the market ahead of each own order, the order, then the market behind', () => {
    const orders = [
      { aheadLots: 3, remainingLots: 2 },
      { aheadLots: 5, remainingLots: 4 },
    ]
    expect(sweepQueue(orders, 4, Number.POSITIVE_INFINITY)).toEqual({ marketLots: 3, ownFillLots: [1, 0], leftoverLots: 0 })
    expect(sweepQueue(orders, 9, Number.POSITIVE_INFINITY)).toEqual({ marketLots: 5, ownFillLots: [2, 2], leftoverLots: 0 })
    expect(sweepQueue(orders, 20, 7)).toEqual({ marketLots: 7, ownFillLots: [2, 4], leftoverLots: 7 })
    // Size ahead the level no longer shows is not there to take.
    expect(sweepQueue(orders, 20, 1)).toEqual({ marketLots: 1, ownFillLots: [2, 4], leftoverLots: 13 })
    expect(sweepQueue([], 5, 0)).toEqual({ marketLots: 0, ownFillLots: [], leftoverLots: 5 })
  })

  it('prop_cancels_never_grow_the_queue_ahead_and_back_is_never_ahead_of_the_others', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: 1000 }), (ahead, behind, cancelled) => {
        const level = ahead + behind
        const c = Math.min(cancelled, level)
        const after = Object.fromEntries(QUEUE_CANCEL_MODELS.map((m) => [m, aheadAfterCancels(ahead, level, c, m)]))
        for (const m of QUEUE_CANCEL_MODELS) {
          expect(after[m]).toBeGreaterThanOrEqual(0)
          expect(after[m]).toBeLessThanOrEqual(ahead)
          // What is left at the level still holds the size ahead.
          expect(after[m]).toBeLessThanOrEqual(level - c)
        }
        expect(after['back']).toBeGreaterThanOrEqual(after['proportional']!)
        expect(after['proportional']).toBeGreaterThanOrEqual(after['front']!)
      }),
    )
  })

  it('prop_a_sweep_accounts_for_every_lot', () => {
    const queue = fc.array(fc.record({ aheadLots: fc.integer({ min: 0, max: 50 }), remainingLots: fc.integer({ min: 1, max: 20 }) }), { maxLength: 6 })
    fc.assert(
      fc.property(queue, fc.integer({ min: 0, max: 200 }), fc.integer({ min: 0, max: 100 }), (unsorted, volume, cap) => {
        let ahead = 0
        const orders = unsorted.map((o) => ({ ...o, aheadLots: (ahead = Math.max(ahead, o.aheadLots)) }))
        const sweep = sweepQueue(orders, volume, cap)
        const own = sweep.ownFillLots.reduce((a, b) => a + b, 0)
        expect(sweep.marketLots + own + sweep.leftoverLots).toBe(volume)
        expect(sweep.marketLots).toBeLessThanOrEqual(cap)
        sweep.ownFillLots.forEach((lots, i) => {
          expect(lots).toBeLessThanOrEqual(orders[i]!.remainingLots)
          // An own order fills only once the market ahead of it (as far as the level shows it) is gone.
          if (lots > 0) expect(sweep.marketLots).toBeGreaterThanOrEqual(Math.min(orders[i]!.aheadLots, cap))
        })
      }),
    )
  })
})

describe('scheduled events', () => {
  it('prop_due_items_come_out_by_time_then_in_the_order_scheduled', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 100 }), fc.integer({ min: 0, max: 25 }), (times, nowNs) => {
        const events = new ScheduledEvents<number>()
        times.forEach((atNs, i) => events.schedule(atNs, i))
        const out: number[] = []
        for (let i = events.takeDue(nowNs); i !== undefined; i = events.takeDue(nowNs)) out.push(i)
        const expected = times
          .map((atNs, i) => ({ atNs, i }))
          .filter((e) => e.atNs <= nowNs)
          .sort((a, b) => a.atNs - b.atNs || a.i - b.i)
          .map((e) => e.i)
        expect(out).toEqual(expected)
        expect(events.size).toBe(times.length - expected.length)
      }),
    )
  })
})
