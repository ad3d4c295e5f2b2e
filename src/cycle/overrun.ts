/**
 * Why a cycle ran past the next interval boundary: it began late (a busy
 * event loop, a late timer, a stalled machine), or it ran long, and then
 * which step took longest.
 */
export interface Overrun {
  cycle: number
  startLagMs: number
  cycleMs: number
  /** The step that took longest, and how long; absent for a cycle stop cut short. */
  slowestStep: string | undefined
  slowestStepMs: number
  /** All its steps together: what `cycleMs` has beyond them is the main thread's (building the cycle, noticing its end). */
  stepsMs: number
  /** Interval boundaries the next cycle skips. */
  skipped: number
}

const ms = (ns: number): number => Math.round(ns / 1e3) / 1e3

/** A cycle's overrun from its clock readings, in ns: planned start, actual start, end; its times kept to the µs. */
export function overrunOf(cycle: number, plannedNs: number, startNs: number, endNs: number, steps: CycleSteps | undefined, skipped: number): Overrun {
  return {
    cycle,
    startLagMs: ms(startNs - plannedNs),
    cycleMs: ms(endNs - startNs),
    slowestStep: steps?.slowest,
    slowestStepMs: ms(steps?.slowestNs ?? 0),
    stepsMs: ms(steps?.totalNs ?? 0),
    skipped,
  }
}

/** How a cycle's steps took their time: the slowest, and all of them. */
export interface CycleSteps {
  slowest: string
  slowestNs: number
  totalNs: number
}

/** The part of the logger an OverrunLog writes with. */
export interface WarningLog {
  warn(fields: Record<string, unknown>, msg: string): void
}

/**
 * Logs overruns without flooding the log when every cycle overruns (an
 * interval too short for the machine): the first at once, then at most one
 * line per `everyMs`, each with how many overran since the line before.
 */
export class OverrunLog {
  readonly #log: WarningLog
  readonly #everyMs: number
  #lastLineMs = Number.NEGATIVE_INFINITY
  #sinceLastLine = 0

  constructor(log: WarningLog, everyMs = 1_000) {
    this.#log = log
    this.#everyMs = everyMs
  }

  record(overrun: Overrun, nowMs: number): void {
    this.#sinceLastLine++
    if (nowMs - this.#lastLineMs < this.#everyMs) return
    this.#log.warn({ ...overrun, overruns: this.#sinceLastLine }, 'cycle overran its interval; the next starts on the next boundary')
    this.#lastLineMs = nowMs
    this.#sinceLastLine = 0
  }
}
