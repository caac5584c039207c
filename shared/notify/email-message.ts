import { summarizeEvent } from './event-summary';
import type { NotificationEvent } from '../domain/notification-events';

export interface EmailMessage {
  subject: string;
  text: string;
}

/** A plain-text e-mail: the summary, one line per fact, and the raw event name and time for filters. */
export function emailMessage(event: NotificationEvent): EmailMessage {
  const summary = summarizeEvent(event);
  const width = Math.max(0, ...summary.fields.map((f) => f.label.length));
  const lines = [
    summary.text,
    '',
    ...summary.fields.map((f) => `${`${f.label}:`.padEnd(width + 2)}${f.value}`),
    '',
    `Event: ${event.event}`,
    `Time:  ${summary.timestamp}`,
    '',
    '-- ',
    'Kanbu Backup',
  ];
  return { subject: `[Kanbu Backup] ${summary.title}`.replace(/[\r\n]+/g, ' ').slice(0, 200), text: `${lines.join('\n')}\n` };
}
