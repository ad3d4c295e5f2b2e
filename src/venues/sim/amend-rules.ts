import { isTerminal } from '../../orders/order-state-machine.js'
import { OrderStatus, OrderType } from '../../schemas/index.js'
import { SimReasonCode, type SimReason } from './reason-codes.js'
import { remainingLotsOf, type SimOrder } from './sim-order.js'
import type { AmendRequest } from './venue-messages.js'

/** What the sim venue does with an amend. */
export type AmendVerdict =
  | { kind: 'refuse'; reason: SimReason }
  /** The same amend went through before: answer with both orders as they are. */
  | { kind: 'repeat'; old: SimOrder; replacement: SimOrder }
  | { kind: 'accept'; old: SimOrder; priceTicks: number; keepsPriority: boolean }

/**
 * The sim venue's amend rules. An amend is refused when it names no order,
 * a finished one, or a new client order id already in use (unless that id is
 * this very amend's replacement: a retry). Priority: a size decrease, or no
 * change of size, at the same price keeps the order's place in its queue,
 * as it takes nothing from anyone behind it; a price change or a size
 * increase loses it, as on most venues (size added at the front would jump
 * the queue).
 */
export function amendVerdict(request: AmendRequest, old: SimOrder | undefined, holder: SimOrder | undefined): AmendVerdict {
  if (old === undefined) return refuse(SimReasonCode.AmendUnknownOrder, 'amend refused: unknown order')
  if (holder !== undefined) {
    if (old.replacedBy === request.newClientOrderId) return { kind: 'repeat', old, replacement: holder }
    return refuse(SimReasonCode.AmendClientOrderIdInUse, `amend refused: client order id ${request.newClientOrderId} is in use`)
  }
  if (typeof request.newClientOrderId !== 'string' || request.newClientOrderId.length === 0 || request.newClientOrderId === request.clientOrderId) {
    return refuse(SimReasonCode.InvalidClientOrderId, 'amend refused: the new client order id must be non-empty and differ from the order\'s')
  }
  if (isTerminal(old.status)) return refuse(SimReasonCode.AmendFinishedOrder, `amend refused: order is ${OrderStatus[old.status]}`)
  if (old.orderType !== OrderType.Limit) return refuse(SimReasonCode.InvalidOrderField, 'amend refused: only a limit order can be amended')
  if (!isPositiveSafeInteger(request.sizeLots)) return refuse(SimReasonCode.InvalidSize, `amend refused: sizeLots must be a positive safe integer, got ${request.sizeLots}`)
  if (request.priceTicks !== 0 && !isPositiveSafeInteger(request.priceTicks)) {
    return refuse(SimReasonCode.InvalidPrice, `amend refused: priceTicks must be 0 (keep) or a positive safe integer, got ${request.priceTicks}`)
  }
  const priceTicks = request.priceTicks === 0 ? old.priceTicks : request.priceTicks
  return { kind: 'accept', old, priceTicks, keepsPriority: priceTicks === old.priceTicks && request.sizeLots <= remainingLotsOf(old) }
}

function refuse(code: SimReasonCode, text: string): AmendVerdict {
  return { kind: 'refuse', reason: { code, text } }
}

function isPositiveSafeInteger(value: number): boolean {
  return Number.isSafeInteger(value) && value > 0
}
