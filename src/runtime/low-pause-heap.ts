import type { ResourceLimits } from 'node:worker_threads'

/**
 * The young generation of a thread on the tick-to-order path, in MB. Left
 * to itself V8 grows a busy thread's young generation to tens of MB, and
 * objects that live a little while (orders in flight, their reports) pile
 * up in it: on the sim venue's thread each scavenge then paused it for
 * 1–1.5 ms, holding every order that arrived meanwhile, which was the p99
 * of tick-to-order. Capped at 4 MB, a scavenge runs about every 35 ms at 30 k
 * orders/s and pauses about 0.2 ms. 2 MB gave the same pauses twice as often.
 */
export const LOW_PAUSE_YOUNG_GENERATION_MB = 4

/** Worker resource limits for a thread whose pauses are latency. */
export function lowPauseHeap(youngGenerationMb = LOW_PAUSE_YOUNG_GENERATION_MB): ResourceLimits {
  return { maxYoungGenerationSizeMb: youngGenerationMb }
}
