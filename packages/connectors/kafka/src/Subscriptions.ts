/**
 * What a consumer source reads (Alpakka's `Subscriptions`): topics or a topic pattern, with partitions
 * assigned by the consumer group (auto subscriptions), or explicitly listed partitions, optionally with
 * start offsets (manual subscriptions).
 */
import type { TopicPartition } from './ConsumerRecord.js';
import { describeValue, requireFiniteNonNegativeInt, requireFunction, requireNonEmptyString } from './internal/validate.js';

/** A limited view of the consumer, handed to rebalance listeners. */
export interface RestrictedConsumer {
  /** Makes the next fetch of `partition` start at `offset` (must be currently assigned). */
  seek(partition: TopicPartition, offset: number): void;
}

/**
 * Called inside the source stage (Alpakka's `PartitionAssignmentHandler`). With kafkajs' eager
 * rebalancing, `onRevoke` gets the partitions this consumer lost in a rebalance and `onAssign` the ones it
 * gained; `onLost` the ones it lost without a rebalance (its consumer crashed and re-joined); `onStop`
 * the ones it held when the source stopped. A listener that throws fails the source.
 */
export interface RebalanceListener {
  onAssign?(partitions: readonly TopicPartition[], consumer: RestrictedConsumer): void;
  onRevoke?(partitions: readonly TopicPartition[], consumer: RestrictedConsumer): void;
  onLost?(partitions: readonly TopicPartition[], consumer: RestrictedConsumer): void;
  onStop?(partitions: readonly TopicPartition[], consumer: RestrictedConsumer): void;
}

abstract class SubscriptionBase {
  constructor(readonly rebalanceListener: RebalanceListener | undefined) {}
  protected static checkListener(where: string, listener: RebalanceListener): RebalanceListener {
    if (listener === null || typeof listener !== 'object') {
      throw new TypeError(`${where}: listener must be an object with onAssign/onRevoke/onLost/onStop, got ${describeValue(listener)}`);
    }
    for (const k of ['onAssign', 'onRevoke', 'onLost', 'onStop'] as const) {
      if (listener[k] !== undefined && typeof listener[k] !== 'function') {
        requireFunction(where, `listener.${k}`, listener[k]);
      }
    }
    return listener;
  }
}

/** Topics whose partitions the consumer group assigns. */
export class TopicSubscription extends SubscriptionBase {
  readonly kind = 'topics';
  constructor(
    readonly topics: readonly string[],
    listener?: RebalanceListener,
  ) {
    super(listener);
  }
  withRebalanceListener(listener: RebalanceListener): TopicSubscription {
    return new TopicSubscription(this.topics, SubscriptionBase.checkListener('TopicSubscription.withRebalanceListener', listener));
  }
  override toString(): string {
    return `topics(${this.topics.join(', ')})`;
  }
}

/** The topics matching a pattern when the source starts (kafkajs does not follow topics created later). */
export class TopicPatternSubscription extends SubscriptionBase {
  readonly kind = 'pattern';
  constructor(
    readonly pattern: RegExp,
    listener?: RebalanceListener,
  ) {
    super(listener);
  }
  withRebalanceListener(listener: RebalanceListener): TopicPatternSubscription {
    return new TopicPatternSubscription(this.pattern, SubscriptionBase.checkListener('TopicPatternSubscription.withRebalanceListener', listener));
  }
  override toString(): string {
    return `topicPattern(${this.pattern})`;
  }
}

/** Explicit partitions, optionally with the offset each starts at (otherwise the committed offset). */
export class AssignmentSubscription {
  readonly kind = 'assignment';
  readonly rebalanceListener: RebalanceListener | undefined = undefined;
  constructor(
    readonly partitions: readonly TopicPartition[],
    readonly startOffsets: ReadonlyMap<string, number>,
  ) {}
  /** The start offset of `tp`, if one was given. */
  startOffset(tp: TopicPartition): number | undefined {
    return this.startOffsets.get(`${tp.topic}:${tp.partition}`);
  }
  toString(): string {
    return `assignment(${this.partitions.map((tp) => `${tp.topic}-${tp.partition}${this.startOffset(tp) !== undefined ? `@${this.startOffset(tp)}` : ''}`).join(', ')})`;
  }
}

export type AutoSubscription = TopicSubscription | TopicPatternSubscription;
export type ManualSubscription = AssignmentSubscription;
export type Subscription = AutoSubscription | ManualSubscription;

function checkTopicPartition(where: string, tp: unknown): TopicPartition {
  const t = tp as TopicPartition | null;
  if (t === null || typeof t !== 'object') throw new TypeError(`${where}: expected a { topic, partition }, got ${describeValue(tp)}`);
  requireNonEmptyString(where, 'topic', t.topic);
  requireFiniteNonNegativeInt(where, 'partition', t.partition);
  return { topic: t.topic, partition: t.partition };
}

export const Subscriptions = {
  /** Subscribes to the given topics; the consumer group assigns their partitions. */
  topics(...topics: (string | readonly string[])[]): TopicSubscription {
    const list = topics.flat();
    if (list.length === 0) throw new TypeError('Subscriptions.topics: at least one topic is required');
    for (const t of list) requireNonEmptyString('Subscriptions.topics', 'topic', t);
    return new TopicSubscription(Object.freeze([...new Set(list)]));
  },

  /** Subscribes to the topics matching `pattern` (a RegExp, or a string compiled to one). */
  topicPattern(pattern: string | RegExp): TopicPatternSubscription {
    if (typeof pattern === 'string') {
      requireNonEmptyString('Subscriptions.topicPattern', 'pattern', pattern);
      return new TopicPatternSubscription(new RegExp(`^(?:${pattern})$`));
    }
    if (!(pattern instanceof RegExp)) throw new TypeError(`Subscriptions.topicPattern: pattern must be a string or RegExp, got ${describeValue(pattern)}`);
    return new TopicPatternSubscription(pattern);
  },

  /** Reads exactly these partitions, starting at the group's committed offsets. */
  assignment(...partitions: (TopicPartition | readonly TopicPartition[])[]): AssignmentSubscription {
    const list = partitions.flat().map((tp) => checkTopicPartition('Subscriptions.assignment', tp));
    if (list.length === 0) throw new TypeError('Subscriptions.assignment: at least one partition is required');
    return new AssignmentSubscription(Object.freeze(list), new Map());
  },

  /** Reads exactly these partitions, each starting at the given offset. */
  assignmentWithOffset(...entries: (TopicPartition & { readonly offset: number })[]): AssignmentSubscription {
    if (entries.length === 0) throw new TypeError('Subscriptions.assignmentWithOffset: at least one partition is required');
    const offsets = new Map<string, number>();
    const list = entries.map((e) => {
      const tp = checkTopicPartition('Subscriptions.assignmentWithOffset', e);
      offsets.set(`${tp.topic}:${tp.partition}`, requireFiniteNonNegativeInt('Subscriptions.assignmentWithOffset', 'offset', e.offset));
      return tp;
    });
    return new AssignmentSubscription(Object.freeze(list), offsets);
  },
} as const;
