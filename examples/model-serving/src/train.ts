/**
 * `npm run train -w examples/model-serving`: regenerates the shipped models from generated data and
 * prints each one's accuracy on held-out records. `--check` writes nothing and fails (exit 1) if a
 * committed model differs from what training produces now.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ModelFactory } from './model/ModelFactory.js';
import { shippedModelsDir } from './shippedModelsDir.js';
import { accuracyOf, generateRecords } from './training/dataset.js';
import { HOLDOUT_SEED, serializeModel, trainShippedModels } from './training/shippedModels.js';

const args = process.argv.slice(2);
const check = args.includes('--check');
const unknown = args.filter((a) => a !== '--check');
if (unknown.length > 0) {
  console.error(`train: unknown argument ${unknown[0]}\nusage: train [--check]`);
  process.exit(2);
}

const holdout = generateRecords(HOLDOUT_SEED, 20_000);
let stale = 0;
for (const { file, document } of trainShippedModels()) {
  const path = join(shippedModelsDir, file);
  const text = serializeModel(document);
  const accuracy = accuracyOf(ModelFactory.create(document), holdout);
  if (check) {
    const committed = await readFile(path, 'utf8').catch(() => '');
    const same = committed === text;
    if (!same) stale++;
    console.log(`${file}: ${same ? 'up to date' : 'DIFFERS from what training produces'} (held-out accuracy ${(accuracy * 100).toFixed(1)}%)`);
  } else {
    await writeFile(path, text);
    console.log(`${file}: written (held-out accuracy ${(accuracy * 100).toFixed(1)}%)`);
  }
}
if (stale > 0) process.exitCode = 1;
