/**
 * The examples of docs/http.md run as written (test-support/docsExamples.ts): every ```ts block that
 * starts with an import is a complete program whose `console.log` lines must print what their comments
 * say; none may leave a socket, server or timer behind.
 */
import { describeDocsExamples } from '../../../../test-support/docsExamples.js';
import { activeResources, expectNoLeaks } from './helpers.js';

describeDocsExamples({
  page: 'http.md',
  atLeast: 5,
  around: { before: activeResources, after: (before) => expectNoLeaks(before as Record<string, number>) },
});
