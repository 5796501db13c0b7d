// The first problem zod found in an input, as one line for an error message: where it is (a dotted
// path, when not the whole input) and what is wrong there.

import type { z } from 'zod';

export function firstIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (issue === undefined) return 'invalid';
  return issue.path.length === 0 ? issue.message : `${issue.path.join('.')}: ${issue.message}`;
}
