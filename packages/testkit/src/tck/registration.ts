/**
 * Test-framework-agnostic registration of TCK tests. The TCK never imports a test runner: callers pass
 * their runner's `describe`/`it` (vitest, jest, mocha, node:test wrappers, ...) or a collector of their own.
 */

import type { TestEnvironmentOptions } from './TestEnvironment.js';
import { fmt, TckAssertionError, TckSkip, TestEnvironment } from './TestEnvironment.js';

/**
 * - `required`: must pass;
 * - `optional`: checks a MAY/SHOULD rule — a failure marks the test as skipped (like the Java TCK);
 * - `stochastic`: may give false positives; skipped when the spec sets `skipStochasticTests`.
 */
export type TckTestKind = 'required' | 'optional' | 'stochastic';

/** What the TCK needs from a test runner's per-test context (vitest's `TestContext` fits). */
export interface TckTestContext {
  /** Mark the running test as skipped (vitest: `ctx.skip(note)`, which throws). */
  skip?(note?: string): unknown;
}

export type TckTestFunction = (ctx?: TckTestContext) => Promise<void>;

/**
 * The minimal test-registration interface, e.g. `{ describe, it }` from vitest.
 * `describe` is optional; without it tests are registered flat.
 */
export interface TckRegistrar {
  describe?(name: string, body: () => void): unknown;
  it(name: string, fn: TckTestFunction): unknown;
}

/** One registered-able TCK test. */
export interface TckTest {
  /** Exactly the Java TCK method name, e.g. `required_spec309_requestZeroMustSignalIllegalArgumentException`. */
  readonly name: string;
  readonly kind: TckTestKind;
  /** The rule verified, e.g. `"3.9"`, if the name carries one. */
  readonly rule: string | undefined;
  /** Run the test; rejects on failure, resolves when passed or skipped (see `TckTestContext`). */
  readonly run: TckTestFunction;
}

export interface VerificationOptions {
  /** Timeouts etc.; every test runs in its own `fork()` of this environment. */
  env?: TestEnvironment | TestEnvironmentOptions;
  /** Name of the `describe` block (defaults to the Java class name). */
  suiteName?: string;
  /** Called when a test is skipped (in addition to `ctx.skip`, if the runner provides one). */
  onSkip?: (testName: string, reason: string) => void;
}

/** Internal: a test body run against a fresh environment. */
export interface TckTestDefinition {
  readonly name: string;
  readonly kind: TckTestKind;
  readonly body: (env: TestEnvironment) => Promise<void>;
}

/** `spec309` → `3.9`, `spec111` → `1.11`. */
export function ruleOf(name: string): string | undefined {
  const m = /spec(\d)(\d\d)/.exec(name);
  if (!m || m[1] === undefined || m[2] === undefined) return undefined;
  return `${m[1]}.${Number(m[2])}`;
}

export function baseEnvironment(env: TestEnvironment | TestEnvironmentOptions | undefined): TestEnvironment {
  return env instanceof TestEnvironment ? env : new TestEnvironment(env ?? {});
}

export function toTckTests(definitions: readonly TckTestDefinition[], options: VerificationOptions): TckTest[] {
  const base = baseEnvironment(options.env);
  return definitions.map((def) => {
    const rule = ruleOf(def.name);
    const run: TckTestFunction = async (ctx) => {
      const env = base.fork();
      let skipReason: string | undefined;
      try {
        try {
          await def.body(env);
          env.verifyNoAsyncErrorsNoDelay();
        } catch (e) {
          if (e instanceof TckSkip) {
            skipReason = e.message;
          } else if (def.kind === 'optional') {
            skipReason = `Skipped because tested implementation does NOT implement this OPTIONAL requirement. Reason for skipping was: ${
              e instanceof Error ? e.message : fmt(e)
            }`;
          } else {
            throw decorate(def.name, rule, e, env.asyncErrorList);
          }
        }
      } finally {
        env.runCleanups();
      }
      if (skipReason !== undefined) {
        options.onSkip?.(def.name, skipReason);
        if (ctx?.skip) ctx.skip(skipReason);
      }
    };
    return { name: def.name, kind: def.kind, rule, run };
  });
}

function decorate(name: string, rule: string | undefined, error: unknown, asyncErrors: readonly TckAssertionError[]): Error {
  const where = rule ? `Rule ${rule} (${name})` : name;
  // async errors recorded before the failure often explain it (e.g. "more onNext than requested")
  const fromVerify = asyncErrors.some((e) => e === error || (error instanceof Error && e === error.cause));
  const related = fromVerify ? [] : asyncErrors;
  const context =
    related.length === 0
      ? ''
      : `\n(async errors recorded during the test:\n${related
          .slice(0, 5)
          .map((e) => `  - ${e.message}`)
          .join('\n')}${related.length > 5 ? '\n  ...' : ''})`;
  if (error instanceof TckAssertionError) {
    return new TckAssertionError(`${where}: ${error.message}${context}`, { cause: error.cause ?? error });
  }
  return new TckAssertionError(`${where}: unexpected exception ${fmt(error)}${context}`, { cause: error });
}

export function registerTests(registrar: TckRegistrar, suiteName: string, tests: readonly TckTest[]): void {
  const body = (): void => {
    for (const test of tests) registrar.it(test.name, test.run);
  };
  if (registrar.describe) registrar.describe(suiteName, body);
  else body();
}

export function skip(message: string): never {
  throw new TckSkip(message);
}

export function notVerified(message = 'Not verified by this TCK.'): never {
  throw new TckSkip(message);
}
