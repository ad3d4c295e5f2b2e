import { pino } from 'pino'
import { describe, expect, it } from 'vitest'
import { VenueHealthKeeper } from '../../src/agents/adapters/venue-health-keeper.js'
import { ManualClock } from '../../src/clock/clock.js'
import { VenueDownReason, VenueHealthBoard, VenueHealthWriter, VenueState } from '../../src/venues/health/index.js'

/** A keeper over two venues on a fresh board, its log lines collected. */
function keeper(venuesDown: string[] = []) {
  const clock = new ManualClock(1e9)
  const board = VenueHealthBoard.create(2)
  const lines: { level: number; msg: string; venue?: string; from?: string; to?: string; reason?: string }[] = []
  const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) })
  const counters: Record<string, number> = {}
  const k = new VenueHealthKeeper({ venues: ['main', 'backup'], breaker: { failures: 2, cooldownMs: 100 }, venuesDown, writer: new VenueHealthWriter(board), clock, logger, counters })
  return { k, board, clock, lines, counters }
}

describe('venue health keeper', () => {
  it('publishes, logs and counts each change of a venue state once, and the failure count as it moves', () => {
    const { k, board, clock, lines, counters } = keeper()
    k.failure(1, VenueDownReason.Timeout)
    expect(board.read(1)).toMatchObject({ state: VenueState.Up, reason: VenueDownReason.Timeout, consecutiveFailures: 1, changes: 0 })
    expect(k.accepts(1)).toBe(true)
    expect(lines).toEqual([])
    clock.advanceNs(5e6)
    k.failure(1, VenueDownReason.Malformed)
    k.failure(1, VenueDownReason.Malformed)
    expect(board.read(1)).toEqual({ state: VenueState.Down, reason: VenueDownReason.Malformed, consecutiveFailures: 3, changes: 1, sinceNs: 1.005e9 })
    expect(k.accepts(1) || k.reachable(1)).toBe(false)
    expect(k.accepts(2)).toBe(true)
    clock.advanceNs(100e6)
    expect(k.probeDue(1)).toBe(true)
    expect(k.probeDue(1)).toBe(false)
    expect(board.state(1)).toBe(VenueState.HalfOpen)
    k.probeSucceeded(1)
    expect(board.read(1)).toMatchObject({ state: VenueState.Up, reason: VenueDownReason.None, consecutiveFailures: 0, changes: 3 })
    expect(lines.map((l) => [l.level, l.venue, l.from, l.to, l.reason])).toEqual([
      [40, 'main', 'up', 'down', 'malformed'],
      [30, 'main', 'down', 'half-open', 'malformed'],
      [30, 'main', 'half-open', 'up', 'none'],
    ])
    expect(counters).toEqual({ venue_call_failures: 3, venue_down: 1, venue_probes: 1, venue_half_open: 1, venue_up: 1 })
    expect(k.detail()['main']).toMatchObject({ state: 'up', reason: 'none', failures: 3, orders: 0 })
  })

  it('holds a venue the operator took down whatever its breaker says, keeps it reachable for settling, and logs the operator either way', () => {
    const { k, board, lines, counters } = keeper(['backup'])
    expect(board.read(2)).toMatchObject({ state: VenueState.Down, reason: VenueDownReason.Operator, changes: 1 })
    expect(k.accepts(2)).toBe(false)
    expect(k.reachable(2)).toBe(true)
    k.refused(2)
    // Its breaker opens while the operator has it down: the board keeps saying why it is down.
    k.failure(1, VenueDownReason.Unavailable)
    k.failure(1, VenueDownReason.Unavailable)
    k.configure({ failures: 2, cooldownMs: 100 }, ['main', 'backup'])
    expect(board.read(1)).toMatchObject({ state: VenueState.Down, reason: VenueDownReason.Operator })
    k.configure({ failures: 2, cooldownMs: 100 }, [])
    expect(board.read(1)).toMatchObject({ state: VenueState.Down, reason: VenueDownReason.Unavailable })
    expect(board.read(2)).toMatchObject({ state: VenueState.Up, reason: VenueDownReason.None })
    expect(lines.map((l) => l.msg)).toEqual([
      'venue backup is down (as configured): orders go to the other venues',
      'venue main is down (2 calls failed in a row): orders go to the other venues',
      'venue main taken down by an operator',
      'venue main put back by an operator',
      'venue backup is up again (put back by an operator)',
    ])
    expect(counters).toMatchObject({ orders_refused_venue_down: 1, venue_taken_down: 1, venue_put_back: 2, venue_down: 2, venue_up: 1 })
    expect(k.detail()['backup']).toMatchObject({ refused: 1 })
  })

  it('a restarted adapters thread takes up each venue breaker from the board: down stays down for the rest of its cooldown, failures carry over', () => {
    const { k, board, clock, lines } = keeper(['backup'])
    k.failure(1, VenueDownReason.Timeout)
    k.failure(1, VenueDownReason.Timeout) // main opens at 1.0 s
    clock.advanceNs(60e6)
    const wentDown = board.read(1)
    expect(wentDown).toMatchObject({ state: VenueState.Down, consecutiveFailures: 2, changes: 1, sinceNs: 1e9 })

    // The thread is gone; a new keeper over the same board, as a restarted thread makes, with no operator down now.
    const logged: { msg: string; venue?: string }[] = []
    const counters: Record<string, number> = {}
    const logger = pino({ level: 'info' }, { write: (line: string) => logged.push(JSON.parse(line)) })
    const again = new VenueHealthKeeper({ venues: ['main', 'backup'], breaker: { failures: 2, cooldownMs: 100 }, venuesDown: [], writer: new VenueHealthWriter(board), clock, logger, counters })
    expect(again.accepts(1)).toBe(false)
    expect(board.read(1)).toStrictEqual(wentDown)
    // The operator's down is not a breaker's: with the operator's list now empty, backup takes orders.
    expect(again.accepts(2)).toBe(true)
    expect(board.read(2)).toMatchObject({ state: VenueState.Up, reason: VenueDownReason.None })
    expect(counters['venue_breakers_resumed']).toBe(1)
    expect(logged.some((l) => l.venue === 'main' && l.msg.includes('taken up from the health board'))).toBe(true)
    // Its cooldown runs from when it went down, not from the restart: 40 ms more, not 100.
    clock.advanceNs(39e6)
    expect(again.probeDue(1)).toBe(false)
    clock.advanceNs(1e6)
    expect(again.probeDue(1)).toBe(true)

    // A thread that ends while its probe is out: the next one finds the venue down again and probes after a cooldown.
    const third = new VenueHealthKeeper({ venues: ['main', 'backup'], breaker: { failures: 2, cooldownMs: 100 }, venuesDown: [], writer: new VenueHealthWriter(board), clock, logger, counters: {} })
    expect(board.read(1)).toMatchObject({ state: VenueState.Down, reason: VenueDownReason.Timeout, consecutiveFailures: 2 })
    expect(third.accepts(1)).toBe(false)
    expect(third.probeDue(1)).toBe(false)
    clock.advanceNs(100e6)
    expect(third.probeDue(1)).toBe(true)
    third.probeSucceeded(1)
    expect(third.accepts(1)).toBe(true)

    // Failures short of opening carry over too: one more opens it.
    third.failure(1, VenueDownReason.Unavailable)
    const fourth = new VenueHealthKeeper({ venues: ['main', 'backup'], breaker: { failures: 2, cooldownMs: 100 }, venuesDown: [], writer: new VenueHealthWriter(board), clock, logger, counters: {} })
    expect(fourth.accepts(1)).toBe(true)
    fourth.failure(1, VenueDownReason.Unavailable)
    expect(fourth.accepts(1)).toBe(false)
    expect(lines.filter((l) => l.venue === 'main' && l.to === 'down')).toHaveLength(1)
  })
})
