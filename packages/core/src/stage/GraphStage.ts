import type { MaterializerImpl } from '../impl/MaterializerImpl.js';
import { AtomicModule, type AttributesLike, type Module } from '../impl/Module.js';
import { Attributes } from './Attributes.js';
import type { GraphStageLogic } from './GraphStageLogic.js';
import type { Shape } from './Shape.js';

/** Akka's `NotUsed`: the materialized value of graphs that have nothing to offer. */
export type NotUsed = undefined;
export const NotUsed: NotUsed = undefined;

/**
 * Anything that can be materialized: a stage, or a Source/Flow/Sink/RunnableGraph built from stages.
 * `M` is the materialized value type.
 */
export interface Graph<S extends Shape, M> {
  readonly shape: S;
  /** @internal The blueprint the materializer walks. */
  readonly module: Module;
  /** Phantom: the materialized value type. */
  readonly _materializedType?: () => M;
}

/**
 * A custom stage with a materialized value: the reusable, immutable blueprint half. Subclasses declare
 * their ports and shape as fields and create a fresh logic (and value) per materialization.
 */
export abstract class GraphStageWithMaterializedValue<S extends Shape, M> implements Graph<S, M> {
  declare readonly _materializedType?: () => M;
  abstract readonly shape: S;

  /** Attributes this stage carries by default (a user's `withAttributes` adds to them). */
  get initialAttributes(): Attributes {
    return Attributes.none;
  }

  /** The name used in errors, logs and diagrams unless the user sets one with `named()`. */
  get defaultName(): string {
    return this.constructor.name;
  }

  /** Creates the running logic and the materialized value for one materialization. */
  abstract createLogicAndMaterializedValue(inheritedAttributes: Attributes, materializer: MaterializerImpl): [GraphStageLogic, M];

  private cachedModule: Module | undefined;

  /** @internal */
  get module(): Module {
    if (this.cachedModule === undefined) {
      const initial = this.initialAttributes;
      this.cachedModule = new AtomicModule(this, initial.isEmpty ? null : initial);
    }
    return this.cachedModule;
  }

  /** @internal Called by the materializer. */
  _materialize(attributes: AttributesLike, materializer: unknown): [GraphStageLogic, unknown] {
    const attrs = attributes as Attributes;
    const [logic, value] = this.createLogicAndMaterializedValue(attrs, materializer as MaterializerImpl);
    logic.attributes = attrs;
    logic._defaultName = this.defaultName;
    logic._materializer = materializer as MaterializerImpl;
    return [logic, value];
  }

  toString(): string {
    return this.defaultName;
  }
}

/** A custom stage without a materialized value. */
export abstract class GraphStage<S extends Shape> extends GraphStageWithMaterializedValue<S, NotUsed> {
  /** Creates the running logic for one materialization. */
  abstract createLogic(inheritedAttributes: Attributes): GraphStageLogic;

  createLogicAndMaterializedValue(inheritedAttributes: Attributes): [GraphStageLogic, NotUsed] {
    return [this.createLogic(inheritedAttributes), undefined];
  }
}
