/**
 * What a committable offset commits through: the Kafka consumer of the source that emitted it
 * (Alpakka's committer reference to the KafkaConsumerActor).
 *
 * `attach`/`detach` let a source keep its consumer open after the source itself stopped, for exactly as
 * long as a committer stage that received offsets from it still runs (bounded by the stop timeout).
 */
export interface CommitOffset {
  readonly topic: string;
  readonly partition: number;
  /** The next offset to read: the committed record's offset + 1. */
  readonly offset: number;
  /** Offset metadata committed with it (`Consumer.commitWithMetadataSource`). */
  readonly metadata?: string;
}

export interface KafkaCommitter {
  /** For error messages, e.g. `committableSource(group=orders)`. */
  readonly description: string;
  readonly groupId: string;
  /**
   * Commits `offsets`; resolves with those actually committed. Offsets of partitions that were revoked
   * meanwhile are not committed (their new owner reads those records from the previous commit).
   */
  commit(offsets: readonly CommitOffset[]): Promise<readonly CommitOffset[]>;
  attach(): void;
  detach(): void;
}

let ids = 0;

/** A committer backed by a plain function (tests, `ConsumerResultFactory`). */
export class FunctionCommitter implements KafkaCommitter {
  readonly id = ++ids;
  constructor(
    readonly groupId: string,
    private readonly fn: (offsets: readonly CommitOffset[]) => Promise<void>,
    readonly description = `committer#${ids}(group=${groupId})`,
  ) {}
  commit(offsets: readonly CommitOffset[]): Promise<readonly CommitOffset[]> {
    return this.fn(offsets).then(() => offsets);
  }
  attach(): void {}
  detach(): void {}
}
