/**
 * Type-level tests: these fail *compilation* (the tests are type-checked) if the public types change.
 */

import { type Flow, Keep, type NotUsed, type RunnableGraph, Sink, type Source } from '@tributary/core';
import { Directory, type DirectoryChange, DirectoryChangesSource, FileIO, FileTailSource, type IOResult, LogRotatorSink } from '@tributary/file';
import { describe, expectTypeOf, it } from 'vitest';

describe('@tributary/file types', () => {
  it('gives every factory the element and materialized types of the contract', () => {
    expectTypeOf(FileIO.fromPath('f')).toEqualTypeOf<Source<Buffer, Promise<IOResult>>>();
    expectTypeOf(FileIO.toPath('f')).toEqualTypeOf<Sink<Uint8Array, Promise<IOResult>>>();
    expectTypeOf(FileTailSource.create('f')).toEqualTypeOf<Source<Buffer, NotUsed>>();
    expectTypeOf(FileTailSource.lines('f', { maxLineLength: 100, encoding: 'latin1' })).toEqualTypeOf<Source<string, NotUsed>>();
    expectTypeOf(DirectoryChangesSource.create('d')).toEqualTypeOf<Source<readonly [path: string, change: DirectoryChange], NotUsed>>();
    expectTypeOf<DirectoryChange>().toEqualTypeOf<'creation' | 'modification' | 'deletion'>();
    expectTypeOf(LogRotatorSink.create(() => () => undefined)).toEqualTypeOf<Sink<Uint8Array, Promise<void>>>();
    expectTypeOf(
      LogRotatorSink.withSinkFactory(
        () => () => 'p',
        (p) => FileIO.toPath(p),
      ),
    ).toEqualTypeOf<Sink<Uint8Array, Promise<void>>>();
    expectTypeOf(Directory.ls('d')).toEqualTypeOf<Source<string, NotUsed>>();
    expectTypeOf(Directory.walk('d', { maxDepth: 2 })).toEqualTypeOf<Source<string, NotUsed>>();
    expectTypeOf(Directory.mkdirs()).toEqualTypeOf<Flow<string, string, NotUsed>>();
  });

  it('composes: a copy keeps both IOResults', () => {
    expectTypeOf(FileIO.fromPath('a').toMat(FileIO.toPath('b'), Keep.both)).toEqualTypeOf<RunnableGraph<[Promise<IOResult>, Promise<IOResult>]>>();
    // In a function: expectTypeOf evaluates its argument, and this one would run a stream.
    expectTypeOf(() => FileIO.fromPath('a').runWith(Sink.ignore())).returns.toEqualTypeOf<Promise<void>>();
  });

  it('rejects what does not fit', () => {
    // @ts-expect-error the trigger function takes bytes and returns a path or undefined
    LogRotatorSink.create(() => (s: string) => s);
    // @ts-expect-error options are checked
    FileIO.fromPath('f', { chunksize: 10 });
    // Not called: at run time it throws (the RangeError is tested with the source).
    const utf16 = () =>
      // @ts-expect-error lines needs an encoding in which '\n' is the byte 0x0A
      FileTailSource.lines('f', { encoding: 'utf16le' });
    void utf16;
  });
});
