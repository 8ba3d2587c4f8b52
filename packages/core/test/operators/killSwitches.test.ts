import { BidiFlow, Flow, Keep, KillSwitches, Materializer, Sink, Source, type UniqueKillSwitch } from '@tributary/core';
import { settle, TestSink, TestSource } from '@tributary/testkit';
import { describe, expect, it } from 'vitest';
import { boom, eventually } from './harness.js';

const quiet = new Materializer({ logger: null });

describe('KillSwitches.single', () => {
  it('passes elements on demand; shutdown() completes downstream and cancels upstream', async () => {
    const [[up, sw], down] = TestSource.probe<number>().viaMat(KillSwitches.single<number>(), Keep.both).toMat(TestSink.probe<number>(), Keep.both).run();
    down.request(1);
    await up.expectRequest();
    up.sendNext(1);
    await down.expectNext(1);
    await down.expectNoMessageWhenIdle();
    sw.shutdown();
    await down.expectComplete();
    await up.expectCancellation();
  });

  it('abort(error) fails downstream and cancels upstream with the error', async () => {
    const [[up, sw], down] = TestSource.probe<number>().viaMat(KillSwitches.single<number>(), Keep.both).toMat(TestSink.probe<number>(), Keep.both).run();
    down.request(1);
    await up.expectRequest();
    const e = boom();
    sw.abort(e);
    expect(await down.expectError()).toBe(e);
    expect(await up.expectCancellation()).toBe(e);
  });

  it('the first command wins', async () => {
    const [sw, done] = Source.never<number>().viaMat(KillSwitches.single<number>(), Keep.right).toMat(Sink.ignore(), Keep.both).run();
    sw.shutdown();
    sw.abort(boom());
    await expect(done).resolves.toBeUndefined();
  });

  it('used right after run() (before the stage started) still takes effect', async () => {
    const [sw, done] = Source.repeat(1).viaMat(KillSwitches.single<number>(), Keep.right).toMat(Sink.ignore(), Keep.both).run(quiet);
    const e = boom();
    sw.abort(e);
    await expect(done).rejects.toBe(e);
  });

  it('each materialization has its own switch', async () => {
    const g = Source.never<number>().viaMat(KillSwitches.single<number>(), Keep.right).toMat(Sink.ignore(), Keep.both);
    const [a, doneA] = g.run();
    const [b, doneB] = g.run();
    expect(a).not.toBe(b);
    a.shutdown();
    await doneA;
    let bDone = false;
    void doneB.then(() => (bDone = true));
    await settle();
    expect(bDone).toBe(false);
    b.shutdown();
    await doneB;
  });

  it('passes completion and failure through untouched', async () => {
    expect(await Source.from([1, 2]).via(KillSwitches.single<number>()).runWith(Sink.seq())).toEqual([1, 2]);
    const e = boom();
    await expect(Source.failed<number>(e).via(KillSwitches.single<number>()).runWith(Sink.seq(), quiet)).rejects.toBe(e);
  });
});

describe('KillSwitches.shared', () => {
  it('one shutdown() stops every stream it is part of', async () => {
    const sw = KillSwitches.shared('all');
    const d1 = Source.never<number>().via(sw.flow<number>()).runWith(Sink.ignore());
    const d2 = Source.repeat('x').via(sw.flow<string>()).runWith(Sink.ignore());
    sw.shutdown();
    await Promise.all([d1, d2]);
    expect(sw.isTerminated).toBe(true);
  });

  it('abort(error) fails every stream; streams materialized afterwards fail at once', async () => {
    const sw = KillSwitches.shared('ab');
    const e = boom();
    const d1 = Source.never<number>().via(sw.flow<number>()).runWith(Sink.ignore(), quiet);
    sw.abort(e);
    await expect(d1).rejects.toBe(e);
    await expect(Source.repeat(1).via(sw.flow<number>()).runWith(Sink.ignore(), quiet)).rejects.toBe(e);
  });

  it('materializes the switch itself and forgets stopped streams (no leak)', async () => {
    const sw = KillSwitches.shared('mat');
    const [m, done] = Source.from([1]).viaMat(sw.flow<number>(), Keep.right).toMat(Sink.seq(), Keep.both).run();
    expect(m).toBe(sw);
    await done;
    await eventually(() => sw._state.listeners.size === 0, 'the finished stream to unregister');
  });

  it('names the stage after the switch and validates the name', () => {
    expect(KillSwitches.shared('conn').flow().defaultName).toBe('killSwitch(conn)');
    expect(() => KillSwitches.shared('')).toThrow(/KillSwitches.shared: name must be a non-empty string/);
  });
});

function runBidi() {
  const joined = KillSwitches.singleBidi<number, string>().joinMat(
    Flow.fromSinkAndSourceMat(TestSink.probe<number>(), TestSource.probe<string>(), Keep.both),
    Keep.both,
  );
  const [[outSrc, [sw, [outSink, inSrc]]], inSink] = TestSource.probe<number>().viaMat(joined, Keep.both).toMat(TestSink.probe<string>(), Keep.both).run(quiet);
  return { outSrc, outSink, inSrc, inSink, sw: sw as UniqueKillSwitch };
}

describe('KillSwitches.singleBidi', () => {
  it('is a BidiFlow passing both directions through on demand; shutdown completes both outlets and cancels both inlets', async () => {
    expect(KillSwitches.singleBidi()).toBeInstanceOf(BidiFlow);
    const { outSrc, outSink, inSrc, inSink, sw } = runBidi();
    outSink.request(1);
    await outSrc.expectRequest();
    outSrc.sendNext(1);
    await outSink.expectNext(1);
    inSink.request(1);
    await inSrc.expectRequest();
    inSrc.sendNext('a');
    await inSink.expectNext('a');
    sw.shutdown();
    await outSink.expectComplete();
    await inSink.expectComplete();
    await outSrc.expectCancellation();
    await inSrc.expectCancellation();
  });

  it('abort fails both outlets', async () => {
    const { outSink, inSink, sw } = runBidi();
    const e = boom();
    sw.abort(e);
    expect(await outSink.expectError()).toBe(e);
    expect(await inSink.expectError()).toBe(e);
  });

  it('the directions complete independently', async () => {
    const { outSrc, outSink, inSrc, inSink } = runBidi();
    outSrc.sendComplete();
    await outSink.expectComplete();
    inSink.request(1);
    await inSrc.expectRequest();
    inSrc.sendNext('still');
    await inSink.expectNext('still');
  });
});
