/** pg_dump failures that may go away by themselves: the server is down, restarting or busy. */
const TRANSIENT_PATTERNS = [
  /could not connect/i,
  /connection refused/i,
  /timeout expired/i,
  /the database system is (starting up|shutting down|in recovery mode)/i,
  /too many clients/i,
  /server closed the connection unexpectedly/i,
  /could not translate host name/i,
  /no route to host/i,
];

/** Auth, missing database, permissions and version problems need a human, not a retry. */
const PERMANENT_PATTERNS = [/password authentication failed/i, /does not exist/i, /permission denied/i, /server version mismatch/i];

export function isTransientPgError(stderr: string): boolean {
  if (PERMANENT_PATTERNS.some((p) => p.test(stderr))) return false;
  return TRANSIENT_PATTERNS.some((p) => p.test(stderr));
}
