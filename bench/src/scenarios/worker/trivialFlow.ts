// The WorkerFlow module of the throughput scenario: as little work per element as possible.
import { Flow } from '@tributary/core';

export default Flow.create<number>().map((x) => x * 2);
