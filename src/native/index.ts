export type { Executor, ExecutorFunctions, FallbackExecutor, NativeExecutor, RawAddon } from './types.js'
export { fallbackFunctions } from './fallback/index.js'
export { PACKAGE_NAME, findPackageRoot } from '../runtime/package-root.js'
export {
  createExecutor,
  findAddonFile,
  loadExecutor,
  requireAddon,
  type LoadOptions,
} from './load-addon.js'
