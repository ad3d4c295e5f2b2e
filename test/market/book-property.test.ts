import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { BookUpdate, OrderBook } from '../../src/market/book/index.js'
import { Side } from '../../src/schemas/index.js'

type Op = { kind: 'add' | 'remove' | 'set'; side: Side; priceTicks: number; sizeLots: number }

const op: fc.Arbitrary<Op> = fc.record({
  kind: fc.constantFrom('add', 'remove', 'set'),
  side: fc.constantFrom(Side.Buy, Side.Sell),
  // A narrow band of prices, so levels are hit again and again; bids and asks may cross.
  priceTicks: fc.integer({ min: 1000, max: 1040 }),
  sizeLots: fc.integer({ min: 0, max: 20 }),
})

/** The reference: a Map per side, sorted on every read, truncated to the depth after every change. */
class ReferenceBook {
  readonly sides = new Map<Side, Map<number, number>>([[Side.Buy, new Map()], [Side.Sell, new Map()]])
  constructor(readonly maxLevels: number) {}

  apply(o: Op): boolean {
    const levels = this.sides.get(o.side)!
    const held = levels.get(o.priceTicks)
    if (o.kind === 'add') levels.set(o.priceTicks, (held ?? 0) + o.sizeLots)
    else if (o.kind === 'set') {
      if (o.sizeLots > 0) levels.set(o.priceTicks, o.sizeLots)
      else if (held === undefined) return false
      else levels.delete(o.priceTicks)
    } else {
      if (held === undefined) return false
      if (held - o.sizeLots > 0) levels.set(o.priceTicks, held - o.sizeLots)
      else levels.delete(o.priceTicks)
    }
    const kept = this.best(o.side)
    levels.clear()
    for (const [p, s] of kept.slice(0, this.maxLevels)) levels.set(p, s)
    return true
  }

  best(side: Side): [number, number][] {
    return [...this.sides.get(side)!].filter(([, s]) => s > 0).sort(([a], [b]) => (side === Side.Buy ? b - a : a - b))
  }
}

function levelsOf(book: OrderBook, side: Side): [number, number][] {
  const prices = new Float64Array(64)
  const sizes = new Float64Array(64)
  const n = book.topLevels(side, prices, sizes)
  return Array.from({ length: n }, (_, k) => [prices[k]!, sizes[k]!])
}

describe('order book against a reference model', () => {
  it('prop_levels_match_a_sorted_map: any sequence of adds, removes and sets leaves the same levels, touch, microprice and imbalance', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 300 }), fc.constantFrom(Infinity, 1, 3, 10), (ops, maxLevels) => {
        const book = new OrderBook({ maxLevels, initialLevels: 2 })
        book.applySnapshot([], [], 0)
        const ref = new ReferenceBook(maxLevels)
        for (const o of ops) {
          // Adding nothing is no change a venue sends; the model and the book agree on it anyway.
          const known = ref.apply(o)
          const result = o.kind === 'add' ? book.addSize(o.side, o.priceTicks, o.sizeLots, 0) : o.kind === 'remove' ? book.removeSize(o.side, o.priceTicks, o.sizeLots, 0) : book.setLevel(o.side, o.priceTicks, o.sizeLots, 0)
          expect(result).toBe(known ? BookUpdate.Applied : BookUpdate.UnknownLevel)
        }
        const bids = ref.best(Side.Buy)
        const asks = ref.best(Side.Sell)
        expect(levelsOf(book, Side.Buy)).toEqual(bids)
        expect(levelsOf(book, Side.Sell)).toEqual(asks)
        expect(book.bestBidTicks()).toEqual(bids[0]?.[0] ?? NaN)
        expect(book.bestAskTicks()).toEqual(asks[0]?.[0] ?? NaN)
        const depth = (levels: [number, number][], n: number): number => levels.slice(0, n).reduce((t, [, s]) => t + s, 0)
        const b3 = depth(bids, 3)
        const a3 = depth(asks, 3)
        expect(book.depthImbalance(3)).toBeCloseTo(b3 + a3 > 0 ? (b3 - a3) / (b3 + a3) : 0, 12)
        if (bids.length > 0 && asks.length > 0) {
          const [[bp, bs], [ap, as]] = [bids[0]!, asks[0]!]
          expect(book.microprice()).toBeCloseTo((bp * as + ap * bs) / (bs + as), 9)
        } else expect(book.microprice()).toBeNaN()
      }),
      { numRuns: 300 },
    )
  })

  it('prop_sequence_outcomes: each delta is applied, stale, a gap or refused exactly as the rule says', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 100 }), (steps) => {
        const book = new OrderBook()
        book.applySnapshot([], [], 100)
        let last = 100
        let within = false
        let inSync = true
        for (const step of steps) {
          // 0: same update again, 1: the next, 2: a skip, 3: an old one.
          const sequence = step === 0 ? last : step === 1 ? last + 1 : step === 2 ? last + 2 : last - 5
          const expected = !inSync
            ? BookUpdate.Refused
            : (sequence === last && within) || sequence === last + 1
              ? BookUpdate.Applied
              : sequence <= last
                ? BookUpdate.Stale
                : BookUpdate.Gap
          expect(book.addSize(Side.Buy, 1000, 1, sequence)).toBe(expected)
          if (expected === BookUpdate.Applied) {
            last = sequence
            within = true
          }
          if (expected === BookUpdate.Gap) inSync = false
        }
        expect(book.inSync).toBe(inSync)
      }),
      { numRuns: 300 },
    )
  })
})
