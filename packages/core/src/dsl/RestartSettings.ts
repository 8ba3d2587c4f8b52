export { RestartSettings } from '../operators/restartSettings.js';
export type { RestartHandle } from '../operators/restartInternals.js';
