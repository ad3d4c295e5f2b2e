import { describe, expect, it } from 'vitest'
import { describeLineRoundTrip, probeLineRoundTrip } from '../../bench/harness/line-round-trip.js'

describe('line round trip', () => {
  it('passes a counter to another thread and back and times it', async () => {
    const trip = await probeLineRoundTrip(2_000)
    // A round trip between two threads takes tens of nanoseconds at the very least; a probe
    // that skipped the other thread's answer would come out at a few.
    expect(trip.ns).toBeGreaterThan(20)
    expect(trip.ns).toBeLessThan(1_000_000)
    expect(describeLineRoundTrip('before', trip)).toBe(`machine before: a cache line went from one thread to another and back in ${trip.ns} ns (median of 5 chunks)`)
  })
})
