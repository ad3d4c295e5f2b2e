import { describe, expect, it } from 'vitest'
import { pino } from 'pino'
import { OrderStatus, OrderType, Side, TimeInForce } from '../../src/schemas/index.js'
import { simOrderOf } from '../../src/venues/sim/sim-order.js'
import { SimOrders } from '../../src/venues/sim/sim-orders.js'

describe('sim orders', () => {
  it('every status change goes through the state machine; an illegal one is refused, logged and counted', () => {
    const lines: string[] = []
    const orders = new SimOrders(pino({ level: 'warn' }, { write: (line: string) => lines.push(line) }))
    const sim = simOrderOf(
      { clientOrderId: 'o1', instrumentId: 0, side: Side.Buy, orderType: OrderType.Limit, timeInForce: TimeInForce.GoodTillCancel, priceTicks: 100, sizeLots: 2 },
      orders.nextVenueOrderId(),
      OrderStatus.New,
      1,
    )
    orders.add(sim)
    orders.move(sim, 'ack', 2)
    orders.move(sim, 'fill', 3)
    expect([sim.status, sim.updatedTsNs]).toEqual([OrderStatus.Filled, 3])
    orders.move(sim, 'cancelled', 4)
    expect([sim.status, sim.updatedTsNs]).toEqual([OrderStatus.Filled, 3])
    expect(orders.illegalTransitionCount).toBe(1)
    expect(lines.map((line) => JSON.parse(line))).toMatchObject([
      { msg: 'illegal order transition refused', clientOrderId: 'o1', illegalTransitions: 1, err: { code: 'ERR_ORDER_TRANSITION', message: 'illegal order transition: cancelled in status Filled' } },
    ])
    expect(orders.byVenueOrderId(1)).toBe(sim)
    expect(orders.get('o1')).toBe(sim)
  })
})

describe('sim orders retention', () => {
  it('forgets the oldest finished orders past the cap, never an open one, so a long run holds bounded memory', () => {
    const orders = new SimOrders(pino({ level: 'silent' }), 3)
    const make = (id: string) => {
      const sim = simOrderOf(
        { clientOrderId: id, instrumentId: 0, side: Side.Buy, orderType: OrderType.Limit, timeInForce: TimeInForce.GoodTillCancel, priceTicks: 100, sizeLots: 1 },
        orders.nextVenueOrderId(),
        OrderStatus.New,
        1,
      )
      orders.add(sim)
      orders.move(sim, 'ack', 2)
      return sim
    }
    const resting = make('rest')
    orders.markOpen(resting)
    for (let k = 1; k <= 5; k++) orders.move(make(`f${k}`), 'fill', 3)
    // Three finished kept (f3..f5), plus the open one.
    expect(orders.size).toBe(4)
    expect(orders.get('f1')).toBeUndefined()
    expect(orders.byVenueOrderId(2)).toBeUndefined()
    expect(orders.get('f5')?.status).toBe(OrderStatus.Filled)
    expect(orders.get('rest')).toBe(resting)
    // The open order, once it finishes, joins the queue like any other.
    orders.move(resting, 'fill', 4)
    orders.markClosed(resting)
    expect(orders.get('f3')).toBeUndefined()
    expect(orders.get('rest')).toBe(resting)
  })
})
