import type { ExecutorFunctions } from '../types.js'
import { implementationShortfallBps } from './implementation-shortfall.js'

/** The pure TypeScript executor, used when the Rust addon cannot be loaded. */
export const fallbackFunctions: ExecutorFunctions = Object.freeze({
  implementationShortfallBps,
})
