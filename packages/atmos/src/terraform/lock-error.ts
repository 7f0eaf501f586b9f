/** Terraform's "Error acquiring the state lock" box, read: who holds the lock, doing what, under which ID. */
export interface LockHolder {
  id?: string;
  who?: string;
  operation?: string;
}

/**
 * Undefined when the output is not a lock failure: "Error acquiring the state lock" (plan, apply,
 * import, ...), or "failed to lock s3 state" with its "Lock Info:" (creating a workspace).
 */
export function lockHolder(stderr: string): LockHolder | undefined {
  if (!/Error acquiring the state lock|failed to lock \S+ state[^\n]*\n\s*Lock Info:/.test(stderr)) return undefined;
  return {
    // `\bID:` skips DynamoDB's "RequestID:"; the lock box is drawn with │, which is never part of an ID.
    id: /\bID:[ \t]+([^\s│]+)/.exec(stderr)?.[1],
    who: /Who:\s+(.+)/.exec(stderr)?.[1]?.trim(),
    operation: /Operation:\s+(\S+)/.exec(stderr)?.[1],
  };
}
