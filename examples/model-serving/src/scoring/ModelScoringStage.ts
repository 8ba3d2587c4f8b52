import type { StreamLogger } from '@tributary/core';
import {
  type Attributes,
  type Decider,
  FanInShape2,
  GraphStageLogic,
  GraphStageWithMaterializedValue,
  type InHandler,
  Inlet,
  type OutHandler,
  Outlet,
} from '@tributary/core/stage';
import { BadRecordError } from '../domain/BadRecordError.js';
import { epochNow } from '../domain/epochNow.js';
import { parseSensorRecord } from '../domain/parseSensorRecord.js';
import type { ModelRef, ScoredRecord } from '../domain/ScoredRecord.js';
import type { SensorRecord } from '../domain/SensorRecord.js';
import { InvalidModelError } from '../model/InvalidModelError.js';
import type { Model } from '../model/Model.js';
import { ModelFactory } from '../model/ModelFactory.js';
import type { ScoringState } from './ScoringState.js';
import { ScoringStatsCollector } from './ScoringStatsCollector.js';

export interface ModelScoringOptions {
  /** Builds models from the documents on the model inlet. Default `ModelFactory.standard`. */
  readonly factory?: ModelFactory;
  /** Epoch milliseconds for `scoredTs`, latencies and `since`; records' `ts` must be on the same clock. */
  readonly clock?: () => number;
  /** Where accepted/rejected models and the first bad record of each kind are reported. Default `console`. */
  readonly logger?: StreamLogger;
}

/**
 * Scores a stream of data records with the latest model from a stream of model documents: a
 * two-inlet custom stage (`in0` data, `in1` models, `out` scored records) — the heart of the
 * model-serving example.
 *
 * Records and model documents may be objects, JSON text or UTF-8 bytes. A model document is built by
 * the `ModelFactory`; an invalid one is rejected (logged with its reason, counted) and the current
 * model stays. A record that is not a valid `SensorRecord` (or that the model fails on) goes to the
 * supervision decider: `resume`/`restart` skip it (counted per kind, the first of each kind logged),
 * `stop` fails the stream (`restart` is `resume` here: the only state is the model, which is kept).
 * This stage resumes by default: only a supervision strategy set explicitly (with
 * `withAttributes(Attributes.supervisionStrategy(...))` on a graph containing it) replaces that.
 *
 * - **Emits when** a data record arrived and downstream pulled: scored by the current model, or
 *   unscored (`model: null`) if no model has arrived yet — never dropped.
 * - **Backpressures when** downstream backpressures: data is pulled only on downstream demand. The
 *   model inlet is never backpressured: it is pulled at start and after every model document, so a
 *   model update never waits behind data or a slow consumer.
 * - **Completes when** the data inlet completes (the model inlet is then cancelled). The model inlet
 *   completing is not the end: the stage keeps scoring with the model it has.
 * - **Fails when** either inlet fails, or the decider says `stop` for a bad record.
 * - **Cancels when** downstream cancels (both inlets).
 *
 * The materialized value is the queryable `ScoringState`: `current()` (name, version, since) and
 * `stats()` (scored/unscored, bad records, accepted/rejected models, per-model accuracy against the
 * records' labels, p50/p99 latency from record creation to scored).
 *
 * @example
 * const scoring = GraphDSL.create(new ModelScoringStage(), (b, s) => {
 *   b.from(records).to(s.in0);
 *   b.from(modelDocuments).to(s.in1);
 *   b.from(s.out).to(Sink.foreach(console.log));
 *   return ClosedShape.instance;
 * });
 * const state = RunnableGraph.fromGraph(scoring).run();
 * state.current(); // { name: 'boosted-trees', version: '1', ... }
 */
export class ModelScoringStage extends GraphStageWithMaterializedValue<FanInShape2<unknown, unknown, ScoredRecord>, ScoringState> {
  readonly shape = new FanInShape2<unknown, unknown, ScoredRecord>(
    new Inlet<unknown>('ModelScoringStage.data'),
    new Inlet<unknown>('ModelScoringStage.model'),
    new Outlet<ScoredRecord>('ModelScoringStage.out'),
  );
  readonly factory: ModelFactory;
  readonly clock: () => number;
  readonly logger: StreamLogger;

  constructor(options: ModelScoringOptions = {}) {
    super();
    if (options === null || typeof options !== 'object') throw new TypeError(`ModelScoringStage: options must be an object, got ${String(options)}`);
    const { factory = ModelFactory.standard, clock = epochNow, logger = console } = options;
    if (!(factory instanceof ModelFactory)) throw new TypeError('ModelScoringStage: options.factory must be a ModelFactory');
    if (typeof clock !== 'function')
      throw new TypeError(`ModelScoringStage: options.clock must be a function returning epoch milliseconds, got ${typeof clock}`);
    if (logger === null || typeof logger !== 'object' || typeof logger.info !== 'function' || typeof logger.warn !== 'function') {
      throw new TypeError('ModelScoringStage: options.logger must have info and warn methods (console will do)');
    }
    this.factory = factory;
    this.clock = clock;
    this.logger = logger;
  }

  override get defaultName(): string {
    return 'ModelScoringStage';
  }

  createLogicAndMaterializedValue(attributes: Attributes): [GraphStageLogic, ScoringState] {
    const collector = new ScoringStatsCollector();
    // Core's default decider is `stop`; this stage's default is to skip bad records, so only a strategy
    // the user set (on the stage's graph or anywhere around it) replaces it. `Attributes.supervisionStrategy`
    // stores the decider under the 'supervision' key.
    const decider = attributes.get<Decider>('supervision') ?? resumeOnBadRecords;
    return [new ModelScoringLogic(this, decider, collector), collector];
  }
}

const resumeOnBadRecords: Decider = () => 'resume';

class ModelScoringLogic extends GraphStageLogic implements InHandler, OutHandler {
  private model: Model | null = null;
  /** The current model's `ModelRef`, shared by every record it scores. */
  private modelRef: ModelRef | null = null;
  private readonly data: Inlet<unknown>;
  private readonly models: Inlet<unknown>;
  private readonly out: Outlet<ScoredRecord>;

  constructor(
    private readonly stage: ModelScoringStage,
    private readonly decider: Decider,
    private readonly stats: ScoringStatsCollector,
  ) {
    super(stage.shape);
    this.data = stage.shape.in0;
    this.models = stage.shape.in1;
    this.out = stage.shape.out;
    this.setHandler(this.data, this);
    this.setHandler(this.out, this);
    this.setHandler(this.models, {
      onPush: () => this.onModel(),
      // The model source may end (a fixed list of models): keep scoring with the last one.
      onUpstreamFinish: () => {},
    });
  }

  override preStart(): void {
    this.pull(this.models);
  }

  private onModel(): void {
    const document = this.grab(this.models);
    this.pull(this.models);
    const s = this.stage;
    let model: Model;
    try {
      model = s.factory.create(document);
    } catch (e) {
      const reason = e instanceof InvalidModelError ? e.reason : 'builder-failed';
      this.stats.modelRejected(reason);
      const keeping = this.model === null ? 'no model yet' : `still scoring with "${this.model.name}" v${this.model.version}`;
      s.logger.warn(`${this.stageName}: rejected a model (${reason}): ${e instanceof Error ? e.message : String(e)}; ${keeping}`);
      return;
    }
    this.model = model;
    this.modelRef = { name: model.name, version: model.version };
    this.stats.modelInstalled(model, s.clock());
    s.logger.info(`${this.stageName}: now scoring with "${model.name}" v${model.version} (${model.type})`);
  }

  onPull(): void {
    this.pull(this.data);
  }

  onPush(): void {
    const input = this.grab(this.data);
    const model = this.model;
    const modelRef = this.modelRef;
    let record: SensorRecord;
    let score: number | null = null;
    try {
      record = parseSensorRecord(input);
      if (model !== null) score = scoreWith(model, record);
    } catch (e) {
      if (this.decide(e) === 'stop') return this.failStage(e);
      const kind = e instanceof BadRecordError ? e.kind : 'scoring-failed';
      if (this.stats.badRecord(kind)) {
        this.stage.logger.warn(
          `${this.stageName}: skipped a bad record (${kind}): ${e instanceof Error ? e.message : String(e)}; further ${kind} records are counted, not logged`,
        );
      }
      return this.pull(this.data);
    }
    const scoredTs = this.stage.clock();
    const latencyMs = scoredTs - record.ts;
    if (model === null || modelRef === null || score === null) {
      this.stats.recordUnscored(latencyMs);
      this.push(this.out, { record, model: null, score: null, prediction: null, createdTs: record.ts, scoredTs });
      return;
    }
    const prediction: 0 | 1 = score >= model.threshold ? 1 : 0;
    this.stats.recordScored(prediction, record.label, latencyMs);
    this.push(this.out, { record, model: modelRef, score, prediction, createdTs: record.ts, scoredTs });
  }

  private decide(error: unknown): 'stop' | 'resume' | 'restart' {
    try {
      return this.decider(error);
    } catch {
      return 'stop';
    }
  }
}

/** A model's score, checked: a model that returns something other than a probability is faulty. */
function scoreWith(model: Model, record: SensorRecord): number {
  const score = model.score(record);
  if (typeof score !== 'number' || !(score >= 0 && score <= 1)) {
    throw new BadRecordError(
      'scoring-failed',
      `model "${model.name}" v${model.version} returned ${String(score)} for a record of ${record.deviceId}, not a probability in [0, 1]`,
    );
  }
  return score;
}
