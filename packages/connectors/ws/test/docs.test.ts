/**
 * The examples of docs/ws.md run as written (test-support/docsExamples.ts): every ```ts block that
 * starts with imports (after an optional title comment) is a complete program whose `console.log` lines
 * must print what their comments say; none may leave a socket, server or timer behind.
 */
import { describeDocsExamples } from '../../../../test-support/docsExamples.js';
import { activeResources, expectNoLeaks } from './helpers.js';

describeDocsExamples({
  page: 'ws.md',
  atLeast: 3,
  around: { before: activeResources, after: (before) => expectNoLeaks(before as Record<string, number>) },
});
