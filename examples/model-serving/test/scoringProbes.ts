/**
 * Wiring for the ModelScoringStage probe tests (not a test file itself): a TestSource probe on each
 * inlet and a TestSink probe on the outlet, plus a logger that records what the stage reported.
 */
import { ClosedShape, GraphDSL, type Materializer, RunnableGraph, type StreamLogger } from '@tributary/core';
import type { Attributes } from '@tributary/core/stage';
import { type TestPublisherProbe, TestSink, TestSource, type TestSubscriberProbe } from '@tributary/testkit';
import type { ScoredRecord } from '../src/domain/ScoredRecord.js';
import type { SensorRecord } from '../src/domain/SensorRecord.js';
import { type ModelScoringOptions, ModelScoringStage } from '../src/scoring/ModelScoringStage.js';
import type { ScoringState } from '../src/scoring/ScoringState.js';

export interface ScoringProbes {
  readonly data: TestPublisherProbe<unknown>;
  readonly models: TestPublisherProbe<unknown>;
  readonly out: TestSubscriberProbe<ScoredRecord>;
  readonly state: ScoringState;
  readonly log: RecordingLogger;
}

export class RecordingLogger implements StreamLogger {
  readonly lines: { readonly level: 'debug' | 'info' | 'warn' | 'error'; readonly message: string }[] = [];
  debug(message: string): void {
    this.lines.push({ level: 'debug', message });
  }
  info(message: string): void {
    this.lines.push({ level: 'info', message });
  }
  warn(message: string): void {
    this.lines.push({ level: 'warn', message });
  }
  error(message: string): void {
    this.lines.push({ level: 'error', message });
  }
  warnings(): string[] {
    return this.lines.filter((l) => l.level === 'warn').map((l) => l.message);
  }
}

export function runScoringProbes(options: Omit<ModelScoringOptions, 'logger'> = {}, attributes?: Attributes, materializer?: Materializer): ScoringProbes {
  const log = new RecordingLogger();
  const scoring = new ModelScoringStage({ ...options, logger: log });
  const graph = GraphDSL.createWith(
    [
      TestSource.probe<unknown>(),
      TestSource.probe<unknown>(),
      attributes === undefined ? scoring : GraphDSL.create(scoring, (_b, s) => s).withAttributes(attributes),
      TestSink.probe<ScoredRecord>(),
    ],
    (data, models, state, out) => ({ data, models, state, out, log }),
    (b, data, models, s, out) => {
      b.from(data).to(s.in0);
      b.from(models).to(s.in1);
      b.from(s.out).to(out);
      return ClosedShape.instance;
    },
  );
  return RunnableGraph.fromGraph(graph).run(materializer);
}

let nextTs = 1_000;

/** A valid record with a label; readings default to an unremarkable machine. */
export function record(overrides: Partial<SensorRecord> = {}): SensorRecord {
  return { deviceId: 'device-07', ts: nextTs++, temperature: 70, vibration: 0.5, pressure: 100, rpm: 1500, label: 0, ...overrides };
}

/** A logistic regression on temperature alone: predicts failure above `cutoff` degrees. */
export function temperatureModel(name: string, version: string | number, cutoff = 80): object {
  return { type: 'logistic-regression', name, version, features: ['temperature'], weights: [1], bias: -cutoff };
}
