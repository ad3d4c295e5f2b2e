import { CycleStep } from '../schemas/index.js'

export { CycleStep }

/** Steps 2–9, in the order every cycle runs them. Step 1 runs at start and after recovery. */
export const CYCLE_STEPS: readonly CycleStep[] = Object.freeze([
  CycleStep.Sense,
  CycleStep.Analyze,
  CycleStep.Compose,
  CycleStep.EvaluateRisk,
  CycleStep.Execute,
  CycleStep.Monitor,
  CycleStep.Learn,
  CycleStep.Report,
])

/** Lower-case names used in status and metrics: `sense`, `evaluate_risk`, … */
export function stepName(step: CycleStep): string {
  return (CycleStep[step] ?? `step${step}`).replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase()
}
