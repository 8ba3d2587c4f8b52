/**
 * The examples of docs/inspect.md run as written (test-support/docsExamples.ts): every ```ts block
 * that starts with an import and prints something is a complete program; its `console.log(...); //
 * expected` lines (or the `// expected` lines right after the call) must print what the comments say.
 */
import { describeDocsExamples } from '../../../test-support/docsExamples.js';

describeDocsExamples({ page: 'inspect.md', atLeast: 3, onlyThosePrinting: true });
