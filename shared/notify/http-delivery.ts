import { redact } from '../logging/redact';
import { maskUrl } from './channels';
import { classifyHttpStatus, DeliveryResult } from './delivery-result';

export interface HttpRequestSpec {
  method: 'GET' | 'POST';
  url: string;
  headers?: Record<string, string>;
  body?: string;
  timeoutMs: number;
}

const MAX_RESPONSE_SNIPPET = 300;

/** The start of the receiver's answer, for the error message (Slack says `invalid_payload`, etc.). */
async function responseSnippet(res: Response): Promise<string> {
  if (!res.body) return '';
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  try {
    while (text.length < MAX_RESPONSE_SNIPPET) {
      const { done, value } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return text.replace(/\s+/g, ' ').trim().slice(0, MAX_RESPONSE_SNIPPET);
}

function networkError(err: unknown, timeoutMs: number): string {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return `no answer within ${Math.round(timeoutMs / 1000)} s`;
  return e?.cause?.message ?? e?.cause?.code ?? e?.message ?? String(err);
}

/**
 * One HTTP request with a hard time limit on the whole exchange (connect,
 * headers and the bit of body we read). Redirects are not followed. Never
 * throws: the outcome is classified for the retry decision.
 */
export async function sendHttp(spec: HttpRequestSpec): Promise<DeliveryResult> {
  // Error texts are stored and logged: the URL's query (and any token in it) must not be.
  const safe = (text: string) => redact(text.split(spec.url).join(maskUrl(spec.url, true)));
  const started = Date.now();
  const elapsed = () => Date.now() - started;
  try {
    const res = await fetch(spec.url, {
      method: spec.method,
      headers: spec.headers,
      body: spec.body,
      redirect: 'manual',
      signal: AbortSignal.timeout(spec.timeoutMs),
    });
    const verdict = classifyHttpStatus(res.status);
    if (verdict === 'delivered') {
      await res.body?.cancel().catch(() => undefined);
      return { ok: true, statusCode: res.status, error: null, retryable: false, durationMs: elapsed() };
    }
    const snippet = await responseSnippet(res).catch(() => '');
    const redirect = res.status >= 300 && res.status < 400 ? ' (redirects are not followed; configure the final URL)' : '';
    const error = safe(`HTTP ${res.status}${snippet ? `: ${snippet}` : ''}${redirect}`);
    return { ok: false, statusCode: res.status, error, retryable: verdict === 'retry', durationMs: elapsed() };
  } catch (err) {
    return { ok: false, statusCode: null, error: safe(networkError(err, spec.timeoutMs)), retryable: true, durationMs: elapsed() };
  }
}
