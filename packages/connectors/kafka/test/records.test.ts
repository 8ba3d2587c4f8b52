import { describe, expect, it } from 'vitest';
import { decimal } from '../src/internal/records.js';

describe('decimal (offsets and timestamps of consumed records)', () => {
  it('reads what Number reads, for the strings kafkajs gives and for the rest', () => {
    const cases = [
      '0',
      '7',
      '42',
      '1733312345678',
      '123456789012345',
      '1234567890123456',
      '9007199254740993',
      '-1',
      '',
      ' 1',
      '+1',
      '12a',
      '1e3',
      '0x10',
      '007',
    ];
    for (const s of cases) expect(Object.is(decimal(s), Number(s)), JSON.stringify(s)).toBe(true);
  });
});
