import { WavesError } from '../errors/index.js'
import { OrderStatus } from '../schemas/index.js'

export { OrderStatus }

/**
 * What can happen to an order. `partial_fill` leaves size open, `fill`
 * completes it; `cancelled` and `expire` may arrive unsolicited (a venue
 * cancelling, an IOC remainder, a day order at the close).
 */
export type OrderEventKind =
  | 'ack'
  | 'reject'
  | 'partial_fill'
  | 'fill'
  | 'cancel_request'
  | 'cancel_reject'
  | 'cancelled'
  | 'expire'

/** The same union under its short name (the schema's `OrderEvent` struct is the venue's report of one). */
export type OrderEvent = OrderEventKind

/**
 * A cancel reject returns the order to where it was before the cancel request
 * (Acknowledged or PartiallyFilled); the table marks that target with RESUME
 * and `transition` takes the status to resume as its third argument.
 */
const RESUME = -1

type Row = Partial<Record<OrderEventKind, OrderStatus | typeof RESUME>>

/**
 * The one lifecycle of an order: every legal (status, event) pair and where it
 * leads. A pair not listed is illegal. A fill racing a cancel keeps the order
 * CancelPending (the filled lots say how much filled) until the venue says
 * Cancelled or Filled; an ack arriving after the cancel request does the same.
 */
const TRANSITIONS: Readonly<Record<OrderStatus, Row>> = {
  [OrderStatus.New]: {
    ack: OrderStatus.Acknowledged,
    reject: OrderStatus.Rejected,
    cancel_request: OrderStatus.CancelPending,
    expire: OrderStatus.Expired,
  },
  [OrderStatus.Acknowledged]: {
    partial_fill: OrderStatus.PartiallyFilled,
    fill: OrderStatus.Filled,
    cancel_request: OrderStatus.CancelPending,
    cancelled: OrderStatus.Cancelled,
    expire: OrderStatus.Expired,
  },
  [OrderStatus.PartiallyFilled]: {
    partial_fill: OrderStatus.PartiallyFilled,
    fill: OrderStatus.Filled,
    cancel_request: OrderStatus.CancelPending,
    cancelled: OrderStatus.Cancelled,
    expire: OrderStatus.Expired,
  },
  [OrderStatus.CancelPending]: {
    ack: OrderStatus.CancelPending,
    cancel_request: OrderStatus.CancelPending,
    reject: OrderStatus.Rejected,
    partial_fill: OrderStatus.CancelPending,
    fill: OrderStatus.Filled,
    cancel_reject: RESUME,
    cancelled: OrderStatus.Cancelled,
    expire: OrderStatus.Expired,
  },
  [OrderStatus.Filled]: {},
  [OrderStatus.Cancelled]: {},
  [OrderStatus.Rejected]: {},
  [OrderStatus.Expired]: {},
}

/**
 * The status an order moves to on `event`.
 *
 * # Errors
 * `ERR_ORDER_TRANSITION` for a pair the table does not list (naming both), and
 * for a cancel reject whose `resumeStatus` is not Acknowledged or PartiallyFilled.
 */
export function transition(status: OrderStatus, event: OrderEventKind, resumeStatus?: OrderStatus): OrderStatus {
  const next = TRANSITIONS[status]?.[event]
  if (next === undefined) {
    throw new WavesError('ERR_ORDER_TRANSITION', `illegal order transition: ${event} in status ${OrderStatus[status] ?? status}`, {
      status: OrderStatus[status] ?? status,
      event,
    })
  }
  if (next !== RESUME) return next
  if (resumeStatus !== OrderStatus.Acknowledged && resumeStatus !== OrderStatus.PartiallyFilled) {
    throw new WavesError('ERR_ORDER_TRANSITION', `a cancel reject must resume Acknowledged or PartiallyFilled, not ${resumeStatus === undefined ? 'nothing' : (OrderStatus[resumeStatus] ?? resumeStatus)}`, {
      status: OrderStatus[status],
      event,
      resumeStatus,
    })
  }
  return resumeStatus
}

/** Whether `event` is legal in `status` (without building an error). */
export function canTransition(status: OrderStatus, event: OrderEventKind): boolean {
  return TRANSITIONS[status]?.[event] !== undefined
}

/** Filled, Cancelled, Rejected and Expired orders never change again. */
export function isTerminal(status: OrderStatus): boolean {
  return status === OrderStatus.Filled || status === OrderStatus.Cancelled || status === OrderStatus.Rejected || status === OrderStatus.Expired
}

/** The event a fill is: `fill` when it leaves nothing open, else `partial_fill`. */
export function fillEvent(remainingLots: number): OrderEventKind {
  return remainingLots === 0 ? 'fill' : 'partial_fill'
}
