import type { ExecutorFunctions, RouterOptions, SlippageTrackerOptions } from '../types.js'
import { implementationShortfallBps } from './implementation-shortfall.js'
import { FallbackRouter } from './router.js'
import { FallbackSlippageTracker } from './slippage-tracker.js'

/** The pure TypeScript executor, used when the Rust addon cannot be loaded. */
export const fallbackFunctions: ExecutorFunctions = Object.freeze({
  implementationShortfallBps,
  createRouter: (options: RouterOptions) => new FallbackRouter(options),
  createSlippageTracker: (options: SlippageTrackerOptions) => new FallbackSlippageTracker(options),
})
