/**
 * `@tributary/file` — files for Tributary streams, on `node:fs`, in the manner of Alpakka File: file
 * contents as byte streams (`FileIO`), `tail -f` (`FileTailSource`), directory change events
 * (`DirectoryChangesSource`), rotating log files (`LogRotatorSink`), and directory listings (`Directory`).
 *
 * @module @tributary/file
 */
export { FileIO, type FromPathOptions, type ToPathOptions } from './FileIO.js';
export type { IOResult } from './IOResult.js';
export { FileTailSource, type FileTailLinesOptions, type FileTailOptions } from './FileTailSource.js';
export { Directory, type WalkOptions } from './Directory.js';
export { DirectoryChangesSource, type DirectoryChangesOptions } from './DirectoryChangesSource.js';
export type { DirectoryChange } from './DirectoryChange.js';
export { LogRotatorSink, type LogRotatorOptions, type TriggerGenerator } from './LogRotatorSink.js';
export type { PathLike } from './internal/validate.js';
