/** `npm run start:throttled -w examples/factorial` style entry: 0! … 10!, one line per second. */
import { Sink } from '@tributary/core';
import { throttledFactorialLines } from './factorial.js';

const n = Number(process.argv[2] ?? 10);
await throttledFactorialLines(n, 1).runWith(Sink.foreach((line: string) => console.log(line)));
