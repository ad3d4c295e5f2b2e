/**
 * Pure rules of supervision: how long to wait before restarting a crashed
 * agent thread, and when repeated crashes open its breaker.
 */
export interface BackoffSettings {
  initialMs: number
  maxMs: number
  /** Fraction of the delay drawn at random, 0..1: restarts of several agents do not land together. */
  jitter: number
}

/** Delay before restart attempt `attempt` (1 for the first): exponential, capped, with jitter. */
export function restartDelayMs(attempt: number, settings: BackoffSettings, random: () => number = Math.random): number {
  const base = Math.min(settings.maxMs, settings.initialMs * 2 ** Math.max(0, attempt - 1))
  const spread = base * settings.jitter
  return Math.max(0, Math.round(base - spread + 2 * spread * random()))
}

export interface BreakerSettings {
  maxCrashes: number
  windowMs: number
}

/**
 * Opens after `maxCrashes` crashes within `windowMs`, and stays open until
 * an operator resets it: a thread that keeps dying is not restarted forever.
 */
export class CrashBreaker {
  readonly settings: BreakerSettings
  #crashesMs: number[] = []
  #open = false

  constructor(settings: BreakerSettings) {
    this.settings = settings
  }

  get open(): boolean {
    return this.#open
  }

  /** Crashes inside the current window. */
  get recentCrashes(): number {
    return this.#crashesMs.length
  }

  /** Records a crash at `nowMs`; true when this crash opened the breaker. */
  recordCrash(nowMs: number): boolean {
    this.#crashesMs = this.#crashesMs.filter((t) => nowMs - t < this.settings.windowMs)
    this.#crashesMs.push(nowMs)
    if (!this.#open && this.#crashesMs.length >= this.settings.maxCrashes) {
      this.#open = true
      return true
    }
    return false
  }

  reset(): void {
    this.#open = false
    this.#crashesMs = []
  }
}
