import { createTransport } from 'nodemailer';
import { redact } from '../logging/redact';
import type { DeliveryResult } from './delivery-result';
import type { EmailMessage } from './email-message';

export interface SmtpSettings {
  url: string;
  from: string;
  timeoutMs: number;
}

interface SmtpError {
  code?: string;
  responseCode?: number;
  message?: string;
}

/** SMTP 5xx replies and refused credentials are permanent; 4xx replies and connection trouble are worth another try. */
export function isRetryableSmtpError(err: SmtpError): boolean {
  if (err.code === 'EAUTH' || err.code === 'EENVELOPE' || err.code === 'EMESSAGE') return false;
  if (typeof err.responseCode === 'number') return err.responseCode < 500;
  return true;
}

/** Sends one e-mail over a fresh SMTP session (no pool to go stale between rare notifications). */
export async function sendEmail(smtp: SmtpSettings, recipients: string[], message: EmailMessage): Promise<DeliveryResult> {
  const started = Date.now();
  const transport = createTransport({
    url: smtp.url,
    connectionTimeout: smtp.timeoutMs,
    greetingTimeout: smtp.timeoutMs,
    socketTimeout: smtp.timeoutMs,
  });
  try {
    const info = await transport.sendMail({ from: smtp.from, to: recipients, subject: message.subject, text: message.text });
    const code = Number(/^\d{3}/.exec(String(info.response ?? ''))?.[0] ?? 250);
    return { ok: true, statusCode: code, error: null, retryable: false, durationMs: Date.now() - started };
  } catch (err) {
    const e = err as SmtpError;
    return {
      ok: false,
      statusCode: typeof e.responseCode === 'number' ? e.responseCode : null,
      error: redact(e.message ?? String(err)),
      retryable: isRetryableSmtpError(e),
      durationMs: Date.now() - started,
    };
  } finally {
    transport.close();
  }
}
