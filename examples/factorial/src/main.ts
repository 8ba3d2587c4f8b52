/** `npm start`: prints 0! … 10! (or up to the number given as the first argument). */
import { printFactorials } from './factorial.js';

const n = Number(process.argv[2] ?? 10);
if (!Number.isInteger(n) || n < 0) {
  console.error(`usage: npm start [n]   (n: a non-negative integer, got ${process.argv[2]})`);
  process.exit(2);
}
await printFactorials(n, (line) => console.log(line));
