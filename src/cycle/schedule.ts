/**
 * When the next cycle starts. Cycles start on interval boundaries counted
 * from the first one; a cycle that runs past the next boundary is an overrun,
 * and the cycle after it starts on the first boundary still ahead: missed
 * boundaries are skipped, so no backlog builds.
 */
export interface NextCycle {
  startMs: number
  overrun: boolean
  /** Boundaries skipped because the last cycle ran over them. */
  skipped: number
}

export function nextCycleStart(firstStartMs: number, intervalMs: number, plannedStartMs: number, endedMs: number): NextCycle {
  const next = plannedStartMs + intervalMs
  if (endedMs <= next) return { startMs: next, overrun: false, skipped: 0 }
  const boundaries = Math.floor((endedMs - firstStartMs) / intervalMs) + 1
  const startMs = firstStartMs + boundaries * intervalMs
  return { startMs, overrun: true, skipped: Math.round((startMs - next) / intervalMs) }
}

/** Presets for `cycle.preset`. */
export const CYCLE_PRESETS_MS = Object.freeze({ 'intra-minute': 1000, hourly: 3_600_000, daily: 86_400_000 })
