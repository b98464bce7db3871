export { synthesize, type SynthesizeOptions } from './synthesize';
