import { Attributes, Keep, Materializer, PartitionHub, Sink, Source, Supervision } from '@tributary/core';
import { TestSink, TestSource } from '@tributary/testkit';
import { describe, expect, it } from 'vitest';
import { boom, QUIET_MS } from './harness.js';

const quiet = new Materializer({ logger: null });
const settle = () => new Promise((r) => setTimeout(r, QUIET_MS));

describe('PartitionHub.sink', () => {
  it('pulls nothing until startAfterNrOfConsumers consumers attached, then routes each element to one consumer', async () => {
    const [up, fromHub] = TestSource.probe<number>()
      .toMat(
        PartitionHub.sink<number>((size, x) => x % size, 2, 16),
        Keep.both,
      )
      .run();
    const a = fromHub.runWith(TestSink.probe<number>());
    a.request(10);
    await up.expectNoMessageWhenIdle();
    const b = fromHub.runWith(TestSink.probe<number>());
    b.request(10);
    for (const x of [0, 1, 2, 3]) {
      await up.expectRequest();
      up.sendNext(x);
    }
    up.sendComplete();
    await a.expectNextN([0, 2]);
    await a.expectComplete();
    await b.expectNextN([1, 3]);
    await b.expectComplete();
  });

  it('bufferSize bounds all queues together: a slow consumer back-pressures the producer', async () => {
    const [up, fromHub] = TestSource.probe<number>()
      .toMat(
        PartitionHub.sink<number>(() => 0, 1, 3),
        Keep.both,
      )
      .run();
    const c = fromHub.runWith(TestSink.probe<number>());
    for (const x of [1, 2, 3]) {
      await up.expectRequest();
      up.sendNext(x);
    }
    await up.expectNoMessageWhenIdle();
    c.request(1);
    await c.expectNext(1);
    await up.expectRequest();
    c.cancel();
  });

  it('fails the hub, naming the index, when the partitioner returns an index out of range', async () => {
    const fromHub = Source.from([1, 2]).runWith(
      PartitionHub.sink<number>(() => 5, 1, 16),
      quiet,
    );
    const err = await fromHub.runWith(Sink.seq(), quiet).catch((e: unknown) => e);
    expect(String(err)).toMatch(/PartitionHub.sink: the partitioner returned 5; it must be an index from 0 to 0/);
  });

  it('supervision: resume drops the element the partitioner threw on', async () => {
    const part = (size: number, x: number) => {
      if (x === 2) throw boom();
      return x % size;
    };
    const fromHub = Source.from([1, 2, 3]).runWith(PartitionHub.sink<number>(part, 1, 16).withAttributes(Attributes.supervisionStrategy(Supervision.resume)));
    expect(await fromHub.runWith(Sink.seq())).toEqual([1, 3]);
  });

  it('a cancelling consumer is removed (its queue is discarded); the others go on', async () => {
    const [up, fromHub] = TestSource.probe<number>()
      .toMat(
        PartitionHub.sink<number>((size, x) => x % size, 2, 16),
        Keep.both,
      )
      .run();
    const a = fromHub.runWith(TestSink.probe<number>());
    const b = fromHub.runWith(TestSink.probe<number>());
    b.request(10);
    await settle();
    for (const x of [0, 1]) {
      await up.expectRequest();
      up.sendNext(x);
    }
    await b.expectNext(1);
    a.cancel(); // 0 was queued for a: discarded
    await settle();
    await up.expectRequest();
    up.sendNext(7).sendComplete();
    await b.expectNext(7); // one consumer left: everything goes to b
    await b.expectComplete();
  });

  it('failure reaches every consumer and is remembered', async () => {
    const e = boom();
    const [up, fromHub] = TestSource.probe<number>()
      .toMat(
        PartitionHub.sink<number>(() => 0, 1, 16),
        Keep.both,
      )
      .run(quiet);
    const c = fromHub.runWith(TestSink.probe<number>());
    c.request(1);
    await up.expectRequest();
    up.sendError(e);
    expect(await c.expectError()).toBe(e);
    await expect(fromHub.runWith(Sink.seq(), quiet)).rejects.toBe(e);
  });

  it('elements that arrived while no consumer was attached wait for the next one, even after completion', async () => {
    const [up, fromHub] = TestSource.probe<number>()
      .toMat(
        PartitionHub.sink<number>(() => 0, 0, 16),
        Keep.both,
      )
      .run();
    await up.expectRequest();
    up.sendNext(1).sendNext(2).sendComplete();
    await settle();
    expect(await fromHub.runWith(Sink.seq())).toEqual([1, 2]);
    expect(await fromHub.runWith(Sink.seq())).toEqual([]);
  });

  it('validates its arguments', () => {
    expect(() => PartitionHub.sink(null as never, 1)).toThrow(/PartitionHub.sink: partitioner must be a function/);
    expect(() => PartitionHub.sink(() => 0, -1)).toThrow(/PartitionHub.sink: startAfterNrOfConsumers must be a non-negative integer, got -1/);
    expect(() => PartitionHub.sink(() => 0, 1, 0)).toThrow(/PartitionHub.sink: bufferSize must be a positive integer, got 0/);
  });
});

describe('PartitionHub.statefulSink', () => {
  it('routes with per-materialization state and sees consumer ids and queue sizes', async () => {
    const seen: number[][] = [];
    const roundRobin = () => {
      let i = 0;
      return (info: { consumerIds: readonly number[]; queueSize(id: number): number }, _x: number) => {
        seen.push(info.consumerIds.map((id) => info.queueSize(id)));
        return info.consumerIds[i++ % info.consumerIds.length]!;
      };
    };
    const fromHub = Source.range(1, 6).runWith(PartitionHub.statefulSink(roundRobin, 2, 16));
    const [a, b] = [fromHub.runWith(Sink.seq()), fromHub.runWith(Sink.seq())];
    expect([await a, await b]).toEqual([
      [1, 3, 5],
      [2, 4, 6],
    ]);
    expect(seen[0]).toEqual([0, 0]);
  });

  it('fails the hub when the partitioner returns an unknown consumer id', async () => {
    const fromHub = Source.from([1]).runWith(
      PartitionHub.statefulSink(() => () => 42, 1, 16),
      quiet,
    );
    const err = await fromHub.runWith(Sink.seq(), quiet).catch((e: unknown) => e);
    expect(String(err)).toMatch(/partitionHub: the partitioner returned 42, which is not one of the attached consumers \[0\]/);
  });
});
