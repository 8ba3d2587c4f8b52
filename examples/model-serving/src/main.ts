/** `npm start -w examples/model-serving [-- options]`: the embedded model-serving run (see `USAGE`). */
import { runCli } from './cli/runCli.js';

process.exitCode = await runCli(process.argv.slice(2), {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
  logger: console,
  // Ctrl-C (or SIGTERM) stops generating; what is in flight is scored and the summary printed.
  onStopSignal: (stop) => {
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    return () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
    };
  },
});
