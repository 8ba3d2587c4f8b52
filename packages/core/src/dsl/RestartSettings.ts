export type { RestartHandle } from '../operators/restartInternals.js';
export { RestartSettings } from '../operators/restartSettings.js';
