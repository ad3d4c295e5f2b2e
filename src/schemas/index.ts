/**
 * The message types of waves, generated from schemas/*.fbs (npm run schemas).
 * Structs are read and written in place: `new Quote().__init(offset, byteBuffer)`
 * over a ring's `byteBuffer`, then its accessors and `mutate_*` setters.
 */
export { MessageType } from './generated/waves/message-type.js'
export { Side } from './generated/waves/market/side.js'
export { BookAction } from './generated/waves/market/book-action.js'
export { Quote } from './generated/waves/market/quote.js'
export { BookDelta } from './generated/waves/market/book-delta.js'
export { BookLevel } from './generated/waves/market/book-level.js'
export { Trade } from './generated/waves/market/trade.js'
export { OrderType } from './generated/waves/orders/order-type.js'
export { TimeInForce } from './generated/waves/orders/time-in-force.js'
export { Horizon } from './generated/waves/orders/horizon.js'
export { OrderStatus } from './generated/waves/orders/order-status.js'
export { Liquidity } from './generated/waves/orders/liquidity.js'
export { OrderIntent } from './generated/waves/orders/order-intent.js'
export { Order } from './generated/waves/orders/order.js'
export { OrderEvent } from './generated/waves/orders/order-event.js'
export { Fill } from './generated/waves/orders/fill.js'
export { CycleStep } from './generated/waves/control/cycle-step.js'
export { StepCommand } from './generated/waves/control/step-command.js'
export { AgentState } from './generated/waves/control/agent-state.js'
export { AgentHealth } from './generated/waves/control/agent-health.js'
export { STRUCT_BYTES, largestStructBytes } from './struct-sizes.js'
