import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'

import { describe, expect, it } from 'vitest'

import { RouteTicket, createExecutor, findAddonFile, findPackageRoot, requireAddon, type RawAddon } from '../../src/native/index.js'

interface Venue {
  levels: Array<[number, number]>
  takerFeeBps?: number
  latencyMs?: number
}

/** A buy (side 1) or sell (-1) of `sizeLots` over these venues, at market. */
function ticketOf(side: number, sizeLots: number, venues: Venue[]): RouteTicket {
  const ticket = new RouteTicket(venues.length, venues.reduce((n, v) => n + v.levels.length, 0))
  ticket.setParent(side, sizeLots)
  ticket.venues = venues.length
  let pair = 0
  venues.forEach((venue, v) => {
    for (const [price, size] of venue.levels) ticket.levels.set([price, size], 2 * pair++)
    ticket.venueLevelEnds[v] = pair
    ticket.setVenueCosts(v, venue.takerFeeBps ?? 0, 0, venue.latencyMs ?? 0)
  })
  return ticket
}

function addon(): RawAddon {
  const root = findPackageRoot()
  const path = root === undefined ? undefined : findAddonFile(root)
  if (path === undefined) throw new Error('the addon is not built: npm run build:native')
  return requireAddon(path)
}

function nativeRouter(adverseTicksPerMs = 0) {
  const executor = createExecutor({ env: {}, logger: { warn: () => {}, debug: () => {} } })
  expect(executor.kind).toBe('native')
  return executor.createRouter({ adverseTicksPerMs })
}

/** A full collection, and the finalizers it queued given a chance to run. */
async function collectGarbage(): Promise<void> {
  setFlagsFromString('--expose-gc')
  const gc = runInNewContext('gc') as () => void
  for (let round = 0; round < 4; round++) {
    gc()
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

describe('route tickets bound to the addon', () => {
  it('binds only a Float64Array over a SharedArrayBuffer, which can never be detached', () => {
    const raw = addon()
    const refused = 'the route ticket must be a Float64Array over a SharedArrayBuffer'
    expect(() => raw.bindRouteTicket(new Float64Array(16))).toThrow(refused)
    expect(() => raw.bindRouteTicket(new Float32Array(new SharedArrayBuffer(64)) as never)).toThrow(refused)
    expect(() => raw.bindRouteTicket({} as never)).toThrow(refused)
    const slot = raw.bindRouteTicket(new RouteTicket(1, 1).array)
    expect(Number.isInteger(slot) && slot >= 0).toBe(true)
    raw.releaseRouteTicket(slot)
  })

  it('routes a bound ticket by its slot, refuses a slot released or never bound, and reuses released slots', () => {
    const raw = addon()
    const ticket = ticketOf(1, 7, [{ levels: [[100, 5], [101, 5]] }])
    const slot = raw.bindRouteTicket(ticket.array)
    expect(raw.routeBoundTicket(slot, 0)).toBe(1)
    expect(Array.from(ticket.plan.subarray(0, 8))).toEqual([7, 0, -1, 0, 101, 7, (500 + 202) / 7, 0])
    // The router's adverse move is written into the ticket by the call.
    expect(ticket.array[0]).toBe(0)
    raw.routeBoundTicket(slot, 2.5)
    expect(ticket.array[0]).toBe(2.5)

    raw.releaseRouteTicket(slot)
    const unbound = 'no route ticket is bound to that slot'
    expect(() => raw.routeBoundTicket(slot, 0)).toThrow(unbound)
    expect(() => raw.releaseRouteTicket(slot)).toThrow(unbound)
    expect(() => raw.routeBoundTicket(1e6, 0)).toThrow(unbound)
    expect(() => raw.routeBoundTicket('0' as never, 0)).toThrow(unbound)
    expect(raw.bindRouteTicket(ticket.array)).toBe(slot)
    raw.releaseRouteTicket(slot)
  })

  it('a router binds a ticket at its first decision, and a ticket collected gives its slot back', async () => {
    const raw = addon()
    const router = nativeRouter()
    const kept = ticketOf(1, 3, [{ levels: [[100, 5]] }])
    expect(router.route(kept)).toBe(1)
    expect(kept.boundSlot).toBeGreaterThanOrEqual(0)
    const keptSlot = kept.boundSlot

    // A thousand tickets routed once each and dropped.
    for (let i = 0; i < 1000; i++) router.route(ticketOf(1, 3, [{ levels: [[100, 5]] }]))
    await collectGarbage()
    // Their slots came back: a thousand new bindings reuse them rather than taking slots past 1000.
    const probes = Array.from({ length: 1000 }, () => raw.bindRouteTicket(new RouteTicket(1, 1).array))
    expect(Math.max(...probes)).toBeLessThanOrEqual(1000)
    for (const slot of probes) raw.releaseRouteTicket(slot)
    // The ticket still in use kept its slot and still routes.
    expect(kept.boundSlot).toBe(keptSlot)
    expect(router.route(kept)).toBe(1)
    expect(kept.plan[0]).toBe(3)
  })

  it('two routers share a ticket, each deciding with its own adverse move', () => {
    // Venue 0 cheap and slow, venue 1 dear and fast: the latency penalty decides.
    const ticket = ticketOf(1, 5, [{ levels: [[100, 5]], latencyMs: 10 }, { levels: [[100, 5]], takerFeeBps: 1 }])
    const slow = nativeRouter(0)
    const fast = nativeRouter(10)
    slow.route(ticket)
    expect(ticket.plan[3]).toBe(0)
    fast.route(ticket)
    expect(ticket.plan[3]).toBe(1)
    slow.route(ticket)
    expect(ticket.plan[3]).toBe(0)
  })
})
