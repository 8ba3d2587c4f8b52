/**
 * `npm start -w examples/model-serving`: the embedded model-serving run (see `USAGE`). Exits 0 after
 * the summary; 2 on a bad command line; 1 if the stream failed.
 */
import { parseCliArgs, UsageError, USAGE } from './cli/parseCliArgs.js';
import { startEmbedded } from './pipeline/runEmbedded.js';

let options;
try {
  options = parseCliArgs(process.argv.slice(2));
} catch (e) {
  if (!(e instanceof UsageError)) throw e;
  console.error(`model-serving: ${e.message}\n\n${USAGE}`);
  process.exit(2);
}
if (options.help) {
  console.log(USAGE);
  process.exit(0);
}

const { records, seed, rate, serve } = options;
console.log(
  `model-serving (embedded): ${serve ? `${records.toLocaleString('en-US')} records, then more until Ctrl-C` : `${records.toLocaleString('en-US')} records`}` +
    `, seed ${seed}, ${rate.toLocaleString('en-US')} records/s`,
);
const run = await startEmbedded({ records, seed, serve, rate });
// Ctrl-C (or a SIGTERM) stops generating; what is in flight is scored and the summary printed.
const stop = () => {
  console.log('stopping: draining in-flight records…');
  run.stop();
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
try {
  await run.done;
} catch (e) {
  console.error('model-serving: the stream failed:', e);
  process.exitCode = 1;
} finally {
  process.off('SIGINT', stop);
  process.off('SIGTERM', stop);
}
