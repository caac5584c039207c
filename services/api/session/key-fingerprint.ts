import { createHmac } from 'node:crypto';

/**
 * Names a key without revealing it: the first 12 hex digits of an HMAC-SHA256 keyed
 * by the key itself. The audit log records this for Bearer callers, so two keys can be
 * told apart while the log never holds anything a key could be recovered from.
 */
export function keyFingerprint(key: string): string {
  return createHmac('sha256', key).update('kanbu-backup key fingerprint').digest('hex').slice(0, 12);
}

/** Ties a session token to the admin key it was signed in with: another key gives another binding. */
export function sessionBinding(adminKey: string, sessionToken: string): Buffer {
  return createHmac('sha256', adminKey).update(`kanbu-backup session:${sessionToken}`).digest();
}
