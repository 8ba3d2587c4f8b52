import { expectTypeOf, it } from 'vitest';
import type { Flow, FlowF, Source, SourceF, HKT } from '@tributary/core';
type MatOf<F extends HKT> = F extends SourceF<infer M> ? M : F extends FlowF<any, infer M> ? M : never;
type WithMat<F extends HKT, O, M2> = F extends SourceF<any> ? Source<O, M2> : F extends FlowF<infer I, any> ? Flow<I, O, M2> : never;
it('x', () => {
  expectTypeOf<MatOf<SourceF<Promise<number>>>>().toEqualTypeOf<Promise<number>>();
  expectTypeOf<MatOf<FlowF<string, 42>>>().toEqualTypeOf<42>();
  expectTypeOf<WithMat<FlowF<string, 42>, number, 'x'>>().toEqualTypeOf<Flow<string, number, 'x'>>();
  expectTypeOf<WithMat<SourceF<42>, number, 'x'>>().toEqualTypeOf<Source<number, 'x'>>();
});
