// Shared test fixtures and helpers (gradcheck, tiny graphs, layer contracts).
export { assertClose, gradcheck, randn, randnAwayFromZero, type GradcheckOpts, type GradcheckResult } from './gradcheck.ts';
