export { Board, type BoardOptions } from './board.js'
export { BoardWriter } from './board-writer.js'
export { BoardReader, type BoardReaderOptions, type BoardSnapshot } from './board-reader.js'
export {
  BOARD_NAMES,
  BOARD_CAPACITY,
  DEFAULT_BOARD_MAX_BYTES,
  createBoards,
  attachBoards,
  type BoardName,
  type BoardBuffers,
} from './names.js'
