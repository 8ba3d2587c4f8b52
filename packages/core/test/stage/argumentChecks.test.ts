/** The public argument checks of `@tributary/core/stage` (used by core's operators and every connector). */

import {
  describeValue,
  requireBoolean,
  requireFiniteNonNegativeInt,
  requireFiniteNumber,
  requireFunction,
  requireMillis,
  requireNonEmptyString,
  requireNonNegativeInt,
  requireOneOf,
  requirePositiveInt,
  requirePositiveIntOrInfinity,
  requireString,
} from '@tributary/core/stage';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

describe('describeValue', () => {
  it('names what arrived', () => {
    expect(describeValue('a')).toBe('"a"');
    expect(describeValue('x'.repeat(100))).toBe(JSON.stringify(`${'x'.repeat(77)}...`));
    expect(describeValue(() => 1)).toBe('a function');
    expect(describeValue(null)).toBe('null');
    expect(describeValue(undefined)).toBe('undefined');
    expect(describeValue([1])).toBe('an array');
    expect(describeValue(new Uint8Array(3))).toBe('a Uint8Array of 3 bytes');
    expect(describeValue(Buffer.alloc(2))).toBe('a Buffer of 2 bytes');
    expect(describeValue({})).toBe('an object (Object)');
    expect(describeValue(new Date(0))).toBe('an object (Date)');
    expect(describeValue(Object.create(null))).toBe('an object (no prototype)');
    expect(describeValue(-1)).toBe('-1');
    expect(describeValue(Infinity)).toBe('Infinity');
    expect(describeValue(Number.NaN)).toBe('NaN');
    expect(describeValue(true)).toBe('true');
    expect(describeValue(5n)).toBe('5n');
  });
});

describe('the checks', () => {
  it('return the value they accept', () => {
    const f = () => 1;
    expect(requireFunction('op', 'f', f)).toBe(f);
    expect(requireBoolean('op', 'b', false)).toBe(false);
    expect(requireString('op', 's', '')).toBe('');
    expect(requireNonEmptyString('op', 's', 'x')).toBe('x');
    expect(requireOneOf('op', 'mode', 'b', ['a', 'b'])).toBe('b');
    expect(requirePositiveInt('op', 'n', 1)).toBe(1);
    expect(requirePositiveIntOrInfinity('op', 'n', Infinity)).toBe(Infinity);
    expect(requireNonNegativeInt('op', 'n', 0)).toBe(0);
    expect(requireFiniteNonNegativeInt('op', 'n', 0)).toBe(0);
    expect(requireFiniteNumber('op', 'x', -0.5)).toBe(-0.5);
    expect(requireMillis('op', 'ms', 0.5)).toBe(0.5);
    expect(requireMillis('op', 'ms', 0, true)).toBe(0);
  });

  it('throw messages that name the caller, the argument, what was expected and what arrived', () => {
    expect(() => requireFunction('op', 'f', 1)).toThrow(new TypeError('op: f must be a function, got 1'));
    expect(() => requireBoolean('op', 'b', 'yes')).toThrow(new TypeError('op: b must be a boolean, got "yes"'));
    expect(() => requireString('op', 's', null)).toThrow(new TypeError('op: s must be a string, got null'));
    expect(() => requireNonEmptyString('op', 's', '')).toThrow(new TypeError('op: s must be a non-empty string, got ""'));
    expect(() => requireOneOf('op', 'mode', 'c', ['a', 'b'])).toThrow(new RangeError('op: mode must be one of "a", "b", got "c"'));
    expect(() => requirePositiveInt('op', 'n', 0)).toThrow(new RangeError('op: n must be a positive integer, got 0'));
    expect(() => requirePositiveIntOrInfinity('op', 'n', 1.5)).toThrow(new RangeError('op: n must be a positive integer or Infinity, got 1.5'));
    expect(() => requireNonNegativeInt('op', 'n', -1)).toThrow(new RangeError('op: n must be a non-negative integer, got -1'));
    expect(() => requireFiniteNonNegativeInt('op', 'n', Infinity)).toThrow(new RangeError('op: n must be finite, got Infinity'));
    expect(() => requireFiniteNumber('op', 'x', Number.NaN)).toThrow(new RangeError('op: x must be a finite number, got NaN'));
    expect(() => requireMillis('op', 'ms', 0)).toThrow(new RangeError('op: ms must be a positive finite number of milliseconds, got 0'));
    expect(() => requireMillis('op', 'ms', -1, true)).toThrow(new RangeError('op: ms must be a non-negative finite number of milliseconds, got -1'));
  });

  it('Infinity: a count or limit may be unlimited; a size, a position and a duration may not', () => {
    expect(requireNonNegativeInt('op', 'n', Infinity)).toBe(Infinity);
    expect(requirePositiveIntOrInfinity('op', 'n', Infinity)).toBe(Infinity);
    expect(() => requirePositiveInt('op', 'n', Infinity)).toThrow(RangeError);
    expect(() => requireFiniteNonNegativeInt('op', 'n', Infinity)).toThrow(RangeError);
    expect(() => requireMillis('op', 'ms', Infinity)).toThrow(RangeError);
  });

  it('integer checks agree with their definition on any number', () => {
    const anyNumber = fc.oneof(fc.double(), fc.integer({ min: -5, max: 5 }), fc.constantFrom(Infinity, -Infinity, Number.NaN, 0, -0));
    const accepts = (check: () => unknown) => {
      try {
        check();
        return true;
      } catch {
        return false;
      }
    };
    fc.assert(
      fc.property(anyNumber, (n) => {
        const int = Number.isInteger(n);
        expect(accepts(() => requirePositiveInt('op', 'n', n))).toBe(int && n > 0);
        expect(accepts(() => requirePositiveIntOrInfinity('op', 'n', n))).toBe((int && n > 0) || n === Infinity);
        expect(accepts(() => requireNonNegativeInt('op', 'n', n))).toBe((int && n >= 0) || n === Infinity);
        expect(accepts(() => requireFiniteNonNegativeInt('op', 'n', n))).toBe(int && n >= 0);
      }),
    );
  });
});
