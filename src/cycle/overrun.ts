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
  /** Interval boundaries the next cycle skips. */
  skipped: number
}

const ms = (ns: number): number => Math.round(ns / 1e3) / 1e3

/** A cycle's overrun from its clock readings, in ns: planned start, actual start, end; its times kept to the µs. */
export function overrunOf(cycle: number, plannedNs: number, startNs: number, endNs: number, slowest: { step: string; elapsedNs: number } | undefined, skipped: number): Overrun {
  return { cycle, startLagMs: ms(startNs - plannedNs), cycleMs: ms(endNs - startNs), slowestStep: slowest?.step, slowestStepMs: ms(slowest?.elapsedNs ?? 0), skipped }
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
