import { Attributes, Flow, Sink, Source, type StreamLogger } from '@tributary/core';
import { describe, expect, it } from 'vitest';

type ErrorClass = typeof RangeError | typeof TypeError;

/**
 * Expects `build()` to throw right away (while the blueprint is being built, before anything runs)
 * an error of class `kind` whose message matches every pattern (operator name, argument name, …).
 */
function expectBuildError(build: () => unknown, kind: ErrorClass, ...patterns: RegExp[]): void {
  let thrown: unknown;
  try {
    build();
  } catch (e) {
    thrown = e;
  }
  expect(thrown, 'expected the call to throw while building the blueprint').toBeInstanceOf(kind);
  for (const p of patterns) expect((thrown as Error).message).toMatch(p);
}

const flow = () => Flow.create<number>();
const src = () => Source.range(1, 3);
const any = <T>(v: unknown): T => v as T;

describe('numeric arguments of operators fail when the operator is added', () => {
  it.each([
    ['take(-1)', () => flow().take(-1)],
    ['take(1.5)', () => flow().take(1.5)],
    ['take(NaN)', () => flow().take(NaN)],
    ['take("3")', () => flow().take(any('3'))],
    ['Source.take(-1)', () => src().take(-1)],
  ])('%s → RangeError naming take and n', (_label, build) => {
    expectBuildError(build, RangeError, /take/, /\bn\b/);
  });

  it.each([
    ['drop(-1)', () => flow().drop(-1)],
    ['drop(0.5)', () => flow().drop(0.5)],
    ['Source.drop(-1)', () => src().drop(-1)],
  ])('%s → RangeError naming drop and n', (_label, build) => {
    expectBuildError(build, RangeError, /drop/, /\bn\b/);
  });

  it.each([
    ['grouped(0)', () => flow().grouped(0)],
    ['grouped(-2)', () => flow().grouped(-2)],
    ['grouped(2.5)', () => flow().grouped(2.5)],
    ['grouped(Infinity)', () => flow().grouped(Infinity)],
    ['Source.grouped(0)', () => src().grouped(0)],
  ])('%s → RangeError naming grouped and n', (_label, build) => {
    expectBuildError(build, RangeError, /grouped/, /\bn\b/);
  });

  it.each([
    ['sliding(0)', () => flow().sliding(0)],
    ['sliding(-1, 1)', () => flow().sliding(-1, 1)],
    ['sliding(1.5)', () => flow().sliding(1.5)],
  ])('%s → RangeError naming sliding and n', (_label, build) => {
    expectBuildError(build, RangeError, /sliding/, /\bn\b/);
  });

  it.each([
    ['sliding(2, 0)', () => flow().sliding(2, 0)],
    ['sliding(2, -1)', () => flow().sliding(2, -1)],
    ['sliding(2, 0.5)', () => flow().sliding(2, 0.5)],
    ['Source.sliding(2, 0)', () => src().sliding(2, 0)],
  ])('%s → RangeError naming sliding and step', (_label, build) => {
    expectBuildError(build, RangeError, /sliding/, /step/);
  });

  it('the error message shows the offending value', () => {
    expectBuildError(() => flow().take(-7), RangeError, /-7/);
    expectBuildError(() => flow().grouped(0), RangeError, /\b0\b/);
  });

  it('valid edge values are accepted', () => {
    expect(() => flow().take(0)).not.toThrow();
    expect(() => flow().take(Infinity)).not.toThrow();
    expect(() => flow().drop(0)).not.toThrow();
    expect(() => flow().grouped(1)).not.toThrow();
    expect(() => flow().sliding(1, 1)).not.toThrow();
    expect(() => flow().sliding(2, 5)).not.toThrow();
  });
});

describe('function arguments of operators fail when the operator is added', () => {
  it.each([
    ['map', 'f', () => flow().map(any('x'))],
    ['filter', 'predicate', () => flow().filter(any(null))],
    ['filterNot', 'predicate', () => flow().filterNot(any(42))],
    ['collect', 'pf', () => flow().collect(any({}))],
    ['mapConcat', 'f', () => flow().mapConcat(any('x'))],
    ['statefulMap', 'create', () => flow().statefulMap(any(0), (s, x) => [s, x] as const)],
    ['statefulMap', 'f', () => flow().statefulMap(() => 0, any('f'))],
    [
      'statefulMap',
      'onComplete',
      () =>
        flow().statefulMap(
          () => 0,
          (s, x) => [s, x] as const,
          any(null),
        ),
    ],
    ['scan', 'f', () => flow().scan(0, any(undefined))],
    ['fold', 'f', () => flow().fold(0, any('+'))],
    ['reduce', 'f', () => flow().reduce(any(1))],
    ['takeWhile', 'predicate', () => flow().takeWhile(any(true))],
    ['dropWhile', 'predicate', () => flow().dropWhile(any(false))],
    ['log', 'extract', () => flow().log('n', any('x'))],
  ])('%s with a non-function %s → TypeError naming the operator and the argument', (op, arg, build) => {
    expectBuildError(build, TypeError, new RegExp(`\\b${op}\\b`), new RegExp(`\\b${arg}\\b`));
  });

  it('map on a Source also validates at build time', () => {
    expectBuildError(() => src().map(any('x')), TypeError, /map/, /\bf\b/);
  });

  it('log: a non-string name → TypeError naming log and name', () => {
    expectBuildError(() => flow().log(any(42)), TypeError, /log/, /name/);
  });

  it('log: a logger lacking the logging methods → TypeError naming log and logger', () => {
    expectBuildError(() => flow().log('n', undefined, any<StreamLogger>({})), TypeError, /log/, /logger/);
  });

  it('intersperse: two arguments → TypeError naming intersperse', () => {
    expectBuildError(() => (flow() as unknown as { intersperse(...a: unknown[]): unknown }).intersperse(',', ';'), TypeError, /intersperse/);
  });
});

describe('source factories fail when called', () => {
  it('Source.range(1, 2, 0) → RangeError naming Source.range and step', () => {
    expectBuildError(() => Source.range(1, 2, 0), RangeError, /Source\.range/, /step/);
  });

  it('Source.range with a non-finite bound or step → RangeError naming the argument', () => {
    expectBuildError(() => Source.range(NaN, 1), RangeError, /Source\.range/, /start/);
    expectBuildError(() => Source.range(1, NaN), RangeError, /Source\.range/, /end/);
    expectBuildError(() => Source.range(1, Infinity), RangeError, /Source\.range/, /end/);
    expectBuildError(() => Source.range(1, 5, NaN), RangeError, /Source\.range/, /step/);
    expectBuildError(() => Source.range(any('1'), 5), RangeError, /Source\.range/, /start/);
  });

  it.each([
    ['42', 42],
    ['null', null],
    ['undefined', undefined],
    ['a plain object', {}],
  ])('Source.from(%s) → TypeError naming Source.from', (_label, value) => {
    expectBuildError(() => Source.from(any<Iterable<number>>(value)), TypeError, /Source\.from/, /iterable/);
  });

  it('Source.fromPromise(non-promise) → TypeError naming Source.fromPromise', () => {
    expectBuildError(() => Source.fromPromise(any<Promise<number>>(42)), TypeError, /Source\.fromPromise/);
  });

  it.each([
    ['Source.cycle', () => Source.cycle(any([1, 2]))],
    ['Source.unfold', () => Source.unfold(0, any(null))],
    ['Source.unfoldAsync', () => Source.unfoldAsync(0, any('f'))],
    ['Source.lazySource', () => Source.lazySource(any(Source.single(1)))],
  ])('%s with a non-function → TypeError naming it', (name, build) => {
    expectBuildError(build, TypeError, new RegExp(name.replace('.', '\\.')));
  });
});

describe('sink factories fail when called', () => {
  it.each([
    ['Sink.foreach', () => Sink.foreach<number>(any('f'))],
    ['Sink.fold', () => Sink.fold<number, number>(0, any(null))],
    ['Sink.reduce', () => Sink.reduce<number>(any(1))],
    ['Sink.onComplete', () => Sink.onComplete(any(undefined))],
  ])('%s with a non-function → TypeError naming it', (name, build) => {
    expectBuildError(build, TypeError, new RegExp(name.replace('.', '\\.')));
  });
});

describe('Attributes fail when created', () => {
  it('Attributes.inputBuffer accepts any positive size (a power of two is not required)', () => {
    expect(Attributes.inputBuffer(3, 5).inputBuffer).toEqual({ initial: 3, max: 5 });
  });

  it('Attributes.inputBuffer(2.5, 4) → RangeError (not an integer), naming initial', () => {
    expectBuildError(() => Attributes.inputBuffer(2.5, 4), RangeError, /inputBuffer/, /initial/, /positive integer/);
  });

  it('Attributes.inputBuffer with a bad max, or initial > max → RangeError', () => {
    expectBuildError(() => Attributes.inputBuffer(4, -6), RangeError, /inputBuffer/, /max/);
    expectBuildError(() => Attributes.inputBuffer(0, 4), RangeError, /inputBuffer/, /initial/);
    expectBuildError(() => Attributes.inputBuffer(8, 4), RangeError, /inputBuffer/, /initial/, /max/);
  });

  it('Attributes.inputBuffer accepts powers of two', () => {
    expect(Attributes.inputBuffer(1, 16).inputBuffer).toEqual({ initial: 1, max: 16 });
  });

  it('Attributes.name("") → TypeError naming Attributes.name', () => {
    expectBuildError(() => Attributes.name(''), TypeError, /Attributes\.name/);
  });

  it('Attributes.supervisionStrategy(non-function) → TypeError naming the decider', () => {
    expectBuildError(() => Attributes.supervisionStrategy(any('resume')), TypeError, /supervisionStrategy/, /decider/);
  });
});
