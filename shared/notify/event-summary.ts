import { formatBytes, formatDuration } from '../util/format';
import type { BackupEvent, JobFacts, NotificationEvent } from '../domain/notification-events';

export type Severity = 'success' | 'warning' | 'failure' | 'info';

export interface SummaryField {
  label: string;
  value: string;
}

/** An event for people: what e-mail, Slack and Discord show. */
export interface EventSummary {
  title: string;
  severity: Severity;
  text: string;
  fields: SummaryField[];
  timestamp: string;
}

function backupFields(event: BackupEvent): SummaryField[] {
  const b = event.backup;
  const fields: SummaryField[] = [{ label: 'Type', value: b.type }];
  if (b.filename) fields.push({ label: 'File', value: b.filename });
  if (b.fileSize !== null) fields.push({ label: 'Size', value: `${formatBytes(b.fileSize)} (${b.fileSize} bytes)` });
  fields.push({ label: 'Encrypted', value: b.isEncrypted ? 'yes' : 'no' });
  if (b.checksum) fields.push({ label: 'SHA-256', value: b.checksum });
  if (b.durationMs !== null) fields.push({ label: 'Duration', value: formatDuration(b.durationMs) });
  fields.push({ label: 'Schedule', value: event.schedule ? event.schedule.name : 'none (manual or external trigger)' });
  return fields;
}

function jobFields(job: JobFacts): SummaryField[] {
  const fields: SummaryField[] = [];
  if (job.type) fields.push({ label: 'Type', value: job.type });
  if (job.filename) fields.push({ label: 'Backup', value: job.filename });
  if (job.durationMs !== null) fields.push({ label: 'Duration', value: formatDuration(job.durationMs) });
  fields.push({ label: 'Trigger', value: job.trigger }, { label: 'Execution', value: job.executionId });
  return fields;
}

export function summarizeEvent(event: NotificationEvent): EventSummary {
  const timestamp = event.timestamp;
  switch (event.event) {
    case 'backup.completed':
    case 'backup.completed_with_warnings':
    case 'backup.failed': {
      const type = event.backup.type;
      const fields = backupFields(event);
      if (event.event === 'backup.completed') {
        const size = event.backup.fileSize === null ? '' : ` (${formatBytes(event.backup.fileSize)})`;
        return {
          title: `Backup completed: ${type}`,
          severity: 'success',
          text: `${event.backup.filename ?? 'The backup'}${size} was written successfully.`,
          fields,
          timestamp,
        };
      }
      if (event.event === 'backup.completed_with_warnings') {
        return {
          title: `Backup completed with warnings: ${type}`,
          severity: 'warning',
          text: event.error ?? 'The backup is usable, but the run reported warnings.',
          fields,
          timestamp,
        };
      }
      return { title: `Backup failed: ${type}`, severity: 'failure', text: event.error ?? 'The backup failed.', fields, timestamp };
    }
    case 'restore.completed':
      return {
        title: 'Restore completed',
        severity: 'success',
        text: `${event.restore.filename ?? 'The backup'} was restored.`,
        fields: jobFields(event.restore),
        timestamp,
      };
    case 'restore.failed':
      return { title: 'Restore failed', severity: 'failure', text: event.error ?? 'The restore failed.', fields: jobFields(event.restore), timestamp };
    case 'verify.failed':
      return {
        title: 'Backup verification failed',
        severity: 'failure',
        text: event.error ?? 'A backup did not pass verification.',
        fields: jobFields(event.verify),
        timestamp,
      };
    case 'alert.triggered':
    case 'alert.resolved': {
      const a = event.alert;
      const fields: SummaryField[] = [
        { label: 'Alert', value: a.kind },
        { label: 'Subject', value: a.subject },
        { label: 'Active since', value: a.since },
      ];
      if (a.resolvedAt) fields.push({ label: 'Resolved at', value: a.resolvedAt });
      return event.event === 'alert.triggered'
        ? { title: `Alert: ${a.message}`, severity: 'failure', text: a.message, fields, timestamp }
        : { title: `Resolved: ${a.message}`, severity: 'success', text: `No longer the case: ${a.message}`, fields, timestamp };
    }
    case 'test':
      return { title: 'Test notification', severity: 'info', text: event.message, fields: [], timestamp };
  }
}
