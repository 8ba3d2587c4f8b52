import fc from 'fast-check';
import { it } from 'vitest';
import { Keep } from '@tributary/core';
import { TestSink } from '@tributary/testkit';
import { inputArb, newMaterializer } from './harness.js';
import { anyOpArb, buildPipeline, segmentsArb, pipelineOracle } from './ops.js';
it('diag', async () => {
  const samples = fc.sample(fc.tuple(inputArb, segmentsArb(anyOpArb, 4, 3)), 100);
  const islands: number[] = []; const outLens: number[] = []; const inLens: number[] = [];
  for (const [input, p] of samples) {
    const mat = newMaterializer();
    buildPipeline(input.source(), p).toMat(TestSink.probe<number>(), Keep.right).run(mat);
    islands.push(mat.runningIslands); mat.shutdown();
    outLens.push(pipelineOracle(p, input.xs).length); inLens.push(input.xs.length);
  }
  const hist = (a: number[]) => { const m: Record<number, number> = {}; for (const x of a) m[x] = (m[x] ?? 0) + 1; return JSON.stringify(m); };
  console.log('islands', hist(islands));
  console.log('out lens', hist(outLens.map((x) => Math.min(10, Math.floor(x / 5)))));
  console.log('in lens', hist(inLens.map((x) => Math.min(10, Math.floor(x / 5)))));
  console.log(String(samples[0]![1].map(String)), String(samples[1]![0]));
});
