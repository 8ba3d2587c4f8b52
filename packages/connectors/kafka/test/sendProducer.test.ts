/**
 * SendProducer: promise-based sends outside streams, against the broker — every promise resolves with
 * where its record was written (checked by reading the topic back), envelopes, a serialization error
 * rejects only its own send, and a closed producer refuses to send.
 */

import { ProducerClosedError, ProducerMessage, ProducerSettings, SendProducer, Serializers } from '@tributary/kafka';
import { describe, expect, it } from 'vitest';
import { createTopic, readAll, stringProducer, unique } from './helpers.js';

describe('SendProducer', () => {
  it('resolves every send with the partition and offset its record was written at', async () => {
    const topic = await createTopic(unique('send'), 3);
    const producer = SendProducer.create(stringProducer());
    const before = process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length;
    const metadata = await Promise.all(Array.from({ length: 1000 }, (_, i) => producer.send({ topic, key: `k${i}`, value: `v${i}` })));
    const multi = await producer.sendEnvelope(
      ProducerMessage.multi(
        [
          { topic, partition: 2, value: 'm1' },
          { topic, partition: 2, value: 'm2' },
        ],
        'pt',
      ),
    );
    await producer.close();
    // The producer's sockets are closed (checked before reading the topic back: the reader's own consumer
    // sockets may still be closing when its disconnect resolves).
    expect(process.getActiveResourcesInfo().filter((r) => r === 'TCPSocketWrap').length).toBeLessThanOrEqual(before);
    await expect(producer.send({ topic, value: 'late' })).rejects.toBeInstanceOf(ProducerClosedError);

    const written = await readAll(topic, 1002);
    const at = new Map(written.map((w) => [`${w.partition}:${w.offset}`, w.value]));
    metadata.forEach((m, i) => {
      expect(m.topic).toBe(topic);
      expect(at.get(`${m.partition}:${m.offset}`)).toBe(`v${i}`);
    });
    if (multi.kind !== 'multiResult') throw new Error('expected a multiResult');
    expect(multi.passThrough).toBe('pt');
    expect(multi.parts.map((p) => at.get(`${p.metadata.partition}:${p.metadata.offset}`))).toEqual(['m1', 'm2']);
  });

  it('a record that cannot be serialized rejects its own send only', async () => {
    const topic = await createTopic(unique('send-ser'), 1);
    const settings = ProducerSettings.create(Serializers.string, Serializers.json<unknown>())
      .withBootstrapServers(stringProducer().bootstrapServers)
      .withKafkaLogLevel('nothing');
    const producer = SendProducer.create(settings);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const [ok, bad] = await Promise.allSettled([producer.send({ topic, value: { ok: true } }), producer.send({ topic, value: cyclic })]);
    expect(ok.status).toBe('fulfilled');
    expect(bad.status === 'rejected' && String(bad.reason)).toMatch(`SendProducer.send: cannot serialize the value of a message for topic=${topic}`);
    await producer.close();
  });

  it('rejects settings without bootstrap servers when created', () => {
    expect(() => SendProducer.create(ProducerSettings.create(Serializers.string, Serializers.string))).toThrow(
      'SendProducer.create: ProducerSettings.bootstrapServers is not set',
    );
  });
});
