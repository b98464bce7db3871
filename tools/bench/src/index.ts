export { generateSpec, type SpecSize } from './spec-generator';
export { parseNxOutput, runNx, type NxRun, type NxSummary } from './nx';
