import { WavesError } from '../errors/index.js'
import { MessageType } from './generated/waves/message-type.js'
import { BookDelta } from './generated/waves/market/book-delta.js'
import { BookLevel } from './generated/waves/market/book-level.js'
import { Quote } from './generated/waves/market/quote.js'
import { Trade } from './generated/waves/market/trade.js'
import { Fill } from './generated/waves/orders/fill.js'
import { OrderAmend } from './generated/waves/orders/order-amend.js'
import { OrderCancel } from './generated/waves/orders/order-cancel.js'
import { OrderEvent } from './generated/waves/orders/order-event.js'
import { OrderIntent } from './generated/waves/orders/order-intent.js'
import { Order } from './generated/waves/orders/order.js'
import { StepCommand } from './generated/waves/control/step-command.js'

/** Byte size of every fixed-size message, straight from the generated code. */
export const STRUCT_BYTES: Readonly<Partial<Record<MessageType, number>>> = Object.freeze({
  [MessageType.Quote]: Quote.sizeOf(),
  [MessageType.BookDelta]: BookDelta.sizeOf(),
  [MessageType.BookLevel]: BookLevel.sizeOf(),
  [MessageType.Trade]: Trade.sizeOf(),
  [MessageType.OrderIntent]: OrderIntent.sizeOf(),
  [MessageType.Order]: Order.sizeOf(),
  [MessageType.OrderEvent]: OrderEvent.sizeOf(),
  [MessageType.Fill]: Fill.sizeOf(),
  [MessageType.OrderCancel]: OrderCancel.sizeOf(),
  [MessageType.OrderAmend]: OrderAmend.sizeOf(),
  [MessageType.StepCommand]: StepCommand.sizeOf(),
})

/** The slot size a ring needs to carry every one of `types`. */
export function largestStructBytes(types: readonly MessageType[]): number {
  let largest = 0
  for (const type of types) {
    const bytes = STRUCT_BYTES[type]
    if (bytes === undefined) {
      throw new WavesError('ERR_UNKNOWN_MESSAGE_TYPE', `message type ${MessageType[type] ?? type} is not a fixed-size struct`, { type })
    }
    if (bytes > largest) largest = bytes
  }
  return largest
}
