/**
 * `@tributary/example-model-serving` — the model-serving example's building blocks, for the other
 * modes (connectors), the benchmarks and tests: the domain, the generator, the model factory, the
 * scoring stage and the graph-building function.
 */
// ── Domain ──
export type { SensorRecord, SensorFeature } from './domain/SensorRecord.js';
export { SENSOR_FEATURES, isSensorFeature } from './domain/SensorRecord.js';
export type { ScoredRecord, ModelRef } from './domain/ScoredRecord.js';
export { parseSensorRecord } from './domain/parseSensorRecord.js';
export { BadRecordError, type BadRecordKind } from './domain/BadRecordError.js';
export { epochNow } from './domain/epochNow.js';

// ── Generated data ──
export { SensorGenerator, DEFAULT_DEVICE_COUNT } from './generator/SensorGenerator.js';
export { SeededRandom } from './generator/SeededRandom.js';
export { sensorRecords, type SensorRecordsOptions } from './generator/sensorRecords.js';

// ── Models ──
export type { Model, ModelHeader } from './model/Model.js';
export { ModelFactory, type ModelBuilder } from './model/ModelFactory.js';
export { ModelDocumentReader } from './model/ModelDocumentReader.js';
export { InvalidModelError, type ModelRejectionReason } from './model/InvalidModelError.js';
export type { LogisticRegressionDocument } from './model/logisticRegression.js';
export type { DecisionTreeDocument } from './model/decisionTree.js';
export type { TreeEnsembleDocument } from './model/treeEnsemble.js';
export type { TreeNodeDocument } from './model/CompiledForest.js';
export { shippedModelsDir } from './shippedModelsDir.js';
export { trainShippedModels, trainCpuHeavyModel, serializeModel, type ShippedModel } from './training/shippedModels.js';

// ── Scoring ──
export { ModelScoringStage, type ModelScoringOptions } from './scoring/ModelScoringStage.js';
export type { ScoringState, ScoringStats, ModelStats, CurrentModel, LatencySummary } from './scoring/ScoringState.js';
export { LatencyHistogram } from './scoring/LatencyHistogram.js';

// ── Pipeline ──
export { modelServingGraph, type ModelServingEnds, type ModelServingMat } from './pipeline/modelServingGraph.js';
export { ModelDropSchedule } from './pipeline/ModelDropSchedule.js';
export {
  startEmbedded,
  type EmbeddedOptions,
  type EmbeddedRun,
  type EmbeddedSummary,
  type ModelDelivery,
  type EndpointAddress,
} from './pipeline/runEmbedded.js';
export { WatchedModelsDirectory, type ModelFile } from './pipeline/WatchedModelsDirectory.js';
export { summaryTable } from './pipeline/summaryTable.js';
export { ProgressReporter, type ProgressDetails } from './pipeline/ProgressReporter.js';
export { parseCliArgs, UsageError, USAGE, type CliOptions } from './cli/parseCliArgs.js';
export { runCli, type CliIo } from './cli/runCli.js';

// ── Endpoints, direct ingest, workers ──
export {
  bindModelServingEndpoints,
  ENDPOINT_ROUTES,
  INSPECTOR_PATH,
  MAX_POSTED_MODEL_BYTES,
  type ModelServingEndpointsOptions,
  type IngestTransport,
} from './http/ModelServingEndpoints.js';
export { scoredEventStream, LIVE_SUBSCRIBER_BACKLOG, type LiveScoredItem } from './http/scoredEventStream.js';
export { IngestRouter, INGEST_PARALLELISM, type IngestReply } from './ingest/IngestRouter.js';
export { workerScoringGraph, type WorkerScoringMat } from './workers/workerScoringGraph.js';
export type { ScoringMessage } from './workers/ScoringMessage.js';

// ── Kafka mode ──
export { KAFKA_TOPICS, DEFAULT_PARTITIONS, kafkaTopicNames, ensureKafkaTopics, type KafkaTopicNames } from './kafka/kafkaTopics.js';
export { scoringWithContext, type ScoringWithContextMat } from './kafka/scoringWithContext.js';
export {
  startKafkaService,
  DEFAULT_GROUP,
  DEFAULT_SESSION_TIMEOUT_MS,
  type KafkaServiceOptions,
  type KafkaServiceRun,
  type KafkaServiceSummary,
} from './kafka/startKafkaService.js';
export { publishToKafka, type PublishOptions, type PublishResult } from './kafka/publishToKafka.js';
export { parseKafkaServiceArgs, parsePublishArgs, KAFKA_USAGE, type KafkaServiceCliOptions, type PublishCliOptions } from './kafka/parseKafkaArgs.js';
export { runKafkaCli, runPublishCli } from './kafka/runKafkaCli.js';
