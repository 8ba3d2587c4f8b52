/**
 * kafkajs has no `consumer.assign()`: every consumer is a group member. Manual assignment
 * (`Subscriptions.assignment`) is therefore a group protocol of its own: each member announces the
 * partitions it wants in its protocol metadata, and the group leader assigns every member exactly those.
 * Members of one group must all use this protocol (a group of its own per source unless a group id is set).
 */
import { AssignerProtocol, type PartitionAssigner } from 'kafkajs';
import type { TopicPartition } from '../ConsumerRecord.js';

export const MANUAL_ASSIGNMENT_PROTOCOL = 'TributaryManualAssignment';

export function manualAssigner(requested: readonly TopicPartition[]): PartitionAssigner {
  const wanted: Record<string, number[]> = {};
  for (const { topic, partition } of requested) (wanted[topic] ??= []).push(partition);
  const userData = Buffer.from(JSON.stringify(wanted), 'utf8');
  return () => ({
    name: MANUAL_ASSIGNMENT_PROTOCOL,
    version: 0,
    protocol({ topics }) {
      return { name: MANUAL_ASSIGNMENT_PROTOCOL, metadata: AssignerProtocol.MemberMetadata.encode({ version: 0, topics, userData }) };
    },
    async assign({ members }) {
      return members.map(({ memberId, memberMetadata }) => {
        const decoded = AssignerProtocol.MemberMetadata.decode(memberMetadata);
        let assignment: Record<string, number[]> = {};
        try {
          assignment = JSON.parse(decoded?.userData.toString('utf8') ?? '{}') as Record<string, number[]>;
        } catch {
          assignment = {};
        }
        return { memberId, memberAssignment: AssignerProtocol.MemberAssignment.encode({ version: 0, assignment, userData: Buffer.alloc(0) }) };
      });
    },
  });
}
