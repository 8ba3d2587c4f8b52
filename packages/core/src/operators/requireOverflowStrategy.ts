/** The argument checks for the overflow strategies (public: ../OverflowStrategy.ts). */
import { DelayOverflowStrategy, OverflowStrategy } from '../OverflowStrategy.js';
import { describe } from './validate.js';

const overflowStrategies: ReadonlySet<string> = new Set(Object.values(OverflowStrategy));
const delayOverflowStrategies: ReadonlySet<string> = new Set(Object.values(DelayOverflowStrategy));

export function requireOverflowStrategy(op: string, name: string, s: unknown): asserts s is OverflowStrategy {
  if (typeof s !== 'string' || !overflowStrategies.has(s)) {
    throw new TypeError(`${op}: ${name} must be one of OverflowStrategy.${[...overflowStrategies].join(' | ')}, got ${describe(s)}`);
  }
}

export function requireDelayOverflowStrategy(op: string, name: string, s: unknown): asserts s is DelayOverflowStrategy {
  if (typeof s !== 'string' || !delayOverflowStrategies.has(s)) {
    throw new TypeError(`${op}: ${name} must be one of DelayOverflowStrategy.${[...delayOverflowStrategies].join(' | ')}, got ${describe(s)}`);
  }
}
