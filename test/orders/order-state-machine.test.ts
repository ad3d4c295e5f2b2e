import { describe, expect, it } from 'vitest'
import { isWavesError } from '../../src/errors/index.js'
import { canTransition, isTerminal, OrderStatus, transition, type OrderEventKind } from '../../src/orders/order-state-machine.js'

const EVENTS: OrderEventKind[] = ['ack', 'reject', 'partial_fill', 'fill', 'cancel_request', 'cancel_reject', 'cancelled', 'expire']
const STATUSES = Object.values(OrderStatus).filter((v): v is OrderStatus => typeof v === 'number')

describe('order state machine', () => {
  it('walks the common lifecycles', () => {
    let status = OrderStatus.New
    for (const event of ['ack', 'partial_fill', 'partial_fill', 'fill'] as const) status = transition(status, event)
    expect(status).toBe(OrderStatus.Filled)

    status = transition(transition(transition(OrderStatus.New, 'ack'), 'cancel_request'), 'cancelled')
    expect(status).toBe(OrderStatus.Cancelled)
    expect(transition(OrderStatus.New, 'reject')).toBe(OrderStatus.Rejected)
    expect(transition(OrderStatus.PartiallyFilled, 'expire')).toBe(OrderStatus.Expired)
  })

  it('keeps a cancel pending through a racing fill or a late ack, and lets a full fill win', () => {
    expect(transition(OrderStatus.CancelPending, 'partial_fill')).toBe(OrderStatus.CancelPending)
    expect(transition(OrderStatus.CancelPending, 'ack')).toBe(OrderStatus.CancelPending)
    expect(transition(OrderStatus.CancelPending, 'fill')).toBe(OrderStatus.Filled)
  })

  it('resumes the status before the cancel request on a cancel reject', () => {
    expect(transition(OrderStatus.CancelPending, 'cancel_reject', OrderStatus.PartiallyFilled)).toBe(OrderStatus.PartiallyFilled)
    expect(transition(OrderStatus.CancelPending, 'cancel_reject', OrderStatus.Acknowledged)).toBe(OrderStatus.Acknowledged)
    expect(() => transition(OrderStatus.CancelPending, 'cancel_reject', OrderStatus.Filled)).toThrow(
      'a cancel reject must resume Acknowledged or PartiallyFilled, not Filled',
    )
    expect(() => transition(OrderStatus.CancelPending, 'cancel_reject')).toThrow('a cancel reject must resume Acknowledged or PartiallyFilled, not nothing')
  })

  it('refuses every pair it does not list, naming both', () => {
    expect(() => transition(OrderStatus.Filled, 'fill')).toThrow('illegal order transition: fill in status Filled')
    expect(() => transition(OrderStatus.New, 'fill')).toThrow('illegal order transition: fill in status New')
    expect(() => transition(OrderStatus.Acknowledged, 'reject')).toThrow('illegal order transition: reject in status Acknowledged')
    try {
      transition(OrderStatus.Cancelled, 'partial_fill')
      expect.unreachable()
    } catch (err) {
      expect(isWavesError(err, 'ERR_ORDER_TRANSITION')).toBe(true)
      expect((err as { context: unknown }).context).toEqual({ status: 'Cancelled', event: 'partial_fill' })
    }
  })

  it('terminal statuses accept no event at all', () => {
    for (const status of STATUSES) {
      const legal = EVENTS.filter((event) => canTransition(status, event))
      expect(isTerminal(status)).toBe(legal.length === 0)
    }
    expect(STATUSES.filter(isTerminal).map((s) => OrderStatus[s])).toEqual(['Filled', 'Cancelled', 'Rejected', 'Expired'])
  })
})
