import { fileURLToPath } from 'node:url';

/** `examples/model-serving/models`: one level above both `src/` (tests) and `dist/` (the build). */
export const shippedModelsDir: string = fileURLToPath(new URL('../models/', import.meta.url));
