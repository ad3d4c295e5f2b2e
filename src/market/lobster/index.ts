export { parseLobsterMessages, readLobsterMessages, LobsterEvent, LOBSTER_EVENT_NAMES, type LobsterMessages } from './lobster-messages.js'
export {
  parseLobsterBookRows,
  readLobsterBookRows,
  formatLobsterBookRow,
  cellIndex,
  LEVEL_FIELD,
  EMPTY_ASK_PRICE,
  EMPTY_BID_PRICE,
  type LobsterBookRows,
} from './lobster-book-rows.js'
export { LobsterReplay, type LobsterReplayOptions, type LobsterReplayCounts } from './lobster-replay.js'
