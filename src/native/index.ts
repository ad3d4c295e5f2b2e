export type { Executor, ExecutorFunctions, FallbackExecutor, NativeExecutor, RawAddon } from './types.js'
export { fallbackFunctions } from './fallback/index.js'
export {
  PACKAGE_NAME,
  createExecutor,
  findAddonFile,
  findPackageRoot,
  loadExecutor,
  requireAddon,
  type LoadOptions,
} from './load-addon.js'
