/**
 * What the mock exchange does wrong, on purpose. Each fault names the route
 * it applies to ('POST /api/v3/order', or '*' for any) and how many calls it
 * hits; faults are consumed in the order they were added.
 *
 * `process` says whether the request takes effect before the fault shows:
 * an order placed whose answer never arrives is the case that duplicates or
 * loses orders in a careless client, so it is the default wherever it can
 * happen in reality (a slow or broken answer, a dropped connection).
 */
export type Fault =
  /** Answer only after `delayMs` (beyond the client's timeout); unprocessed, the request takes effect only then. */
  | { kind: 'delay'; delayMs: number; process?: boolean }
  /** Answer with an HTTP error: 429 (with Retry-After) and 418 are never processed, as on Binance. */
  | { kind: 'status'; status: 429 | 418 | 500 | 502 | 503 | 504; retryAfterSec?: number; process?: boolean }
  /** Answer 200 with a body cut short. */
  | { kind: 'malformed'; process?: boolean }
  /** Close the connection without answering. */
  | { kind: 'drop'; process?: boolean }

export type FaultKind = Fault['kind']

interface ArmedFault {
  route: string
  fault: Fault
  remaining: number
}

/** Whether a fault lets the request take effect. */
export function faultProcesses(fault: Fault): boolean {
  if (fault.kind === 'status') return (fault.status === 429 || fault.status === 418 ? false : (fault.process ?? false))
  return fault.process ?? true
}

export class FaultPlan {
  readonly #armed: ArmedFault[] = []
  readonly injected: Record<FaultKind, number> = { delay: 0, status: 0, malformed: 0, drop: 0 }
  readonly injectedByRoute = new Map<string, number>()

  /** Arms `fault` for the next `times` calls of `route` ('*' for every route). */
  inject(route: string, fault: Fault, times = 1): void {
    if (!(Number.isInteger(times) && times > 0)) throw new RangeError(`times must be a positive integer, got ${times}`)
    this.#armed.push({ route, fault, remaining: times })
  }

  /** The fault for this call, consumed, or undefined. */
  take(route: string): Fault | undefined {
    const index = this.#armed.findIndex((armed) => armed.route === route || armed.route === '*')
    if (index < 0) return undefined
    const armed = this.#armed[index]!
    if (--armed.remaining === 0) this.#armed.splice(index, 1)
    this.injected[armed.fault.kind]++
    this.injectedByRoute.set(route, (this.injectedByRoute.get(route) ?? 0) + 1)
    return armed.fault
  }

  /** Faults armed but not yet hit. */
  get pending(): number {
    return this.#armed.reduce((sum, armed) => sum + armed.remaining, 0)
  }

  clear(): void {
    this.#armed.length = 0
  }
}
