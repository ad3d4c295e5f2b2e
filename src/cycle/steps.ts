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

const STEP_NAMES = new Map<number, string>(
  Object.values(CycleStep)
    .filter((v): v is CycleStep => typeof v === 'number')
    .map((step) => [step, CycleStep[step]!.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase()]),
)

/** Lower-case names used in status and metrics: `sense`, `evaluate_risk`, … */
export function stepName(step: CycleStep): string {
  return STEP_NAMES.get(step) ?? `step${step}`
}
