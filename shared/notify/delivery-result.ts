/** How one delivery attempt went, whatever the channel. */
export interface DeliveryResult {
  ok: boolean;
  /** HTTP status, or SMTP reply code for e-mail; null when no answer came. */
  statusCode: number | null;
  /** Why it failed, safe to store and show (secrets redacted). */
  error: string | null;
  /** Whether trying again later may succeed. */
  retryable: boolean;
  durationMs: number;
}

export type HttpVerdict = 'delivered' | 'retry' | 'reject';

/**
 * 2xx is delivered. 5xx, 408 (timeout) and 429 (rate limited) are the
 * receiver's temporary trouble: retry. Any other answer — 4xx, and redirects,
 * which are not followed with a signed body — will not improve by repeating it.
 */
export function classifyHttpStatus(status: number): HttpVerdict {
  if (status >= 200 && status < 300) return 'delivered';
  if (status >= 500 || status === 408 || status === 429) return 'retry';
  return 'reject';
}
