// The WorkerFlow module of the CPU-heavy scenario: runs in the worker threads.
import { Flow } from '@tributary/core';
import { heavy } from './heavy.js';

export default Flow.create<number>().map(heavy);
