export {
  AGENT_SECTIONS,
  DEADLINED_STEPS,
  PRESET_INTERVAL_MS,
  wavesConfigSchema,
  type AgentSection,
  type CyclePreset,
  type DeepReadonly,
  type ResolvedConfig,
  type WavesConfig,
  type WavesConfigInput,
} from './schema.js'
export { DEFAULT_INTERVAL_MS, defaultConfig, resolveConfig } from './resolve.js'
export type { ConfigProblem } from './problems.js'
export { loadConfig, type LoadConfigOptions, type LoadedConfig } from './load.js'
export { mergeLayers as mergeConfigLayers, type ConfigSource } from './layers.js'
export { ENV_PREFIX, ENV_SEPARATOR, NON_CONFIG_ENV, type Environment } from './env.js'
export { CONFIG_CHECK_USAGE, configCheck, type ConfigCheckIo } from './check-command.js'
