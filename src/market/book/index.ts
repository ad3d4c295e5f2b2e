export { OrderBook, CrossState, type OrderBookOptions, type BookLevelInput } from './order-book.js'
export { BookUpdate, BookSyncState, BookSyncEvent, nextSyncState, syncStateName } from './book-sync.js'
export { BookSide } from './book-side.js'
export { microprice, sumOfTopSizes } from './microprice.js'
