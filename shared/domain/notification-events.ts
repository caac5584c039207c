import type { BackupType, Trigger } from '../domain/types';

/**
 * The events Kanbu Backup sends, exactly as they travel: the webhook body is
 * `JSON.stringify(event)`, so key order here is the key order on the wire.
 * Values are strings, safe integers, booleans and null only, so a receiver that
 * re-serialises the parsed body gets the very same bytes (and signature).
 */

export const BACKUP_EVENTS = ['backup.completed', 'backup.completed_with_warnings', 'backup.failed'] as const;
export const RESTORE_EVENTS = ['restore.completed', 'restore.failed'] as const;
export const VERIFY_EVENTS = ['verify.failed'] as const;
export const ALERT_EVENTS = ['alert.triggered', 'alert.resolved'] as const;
export const TEST_EVENT = 'test' as const;

export type BackupEventName = (typeof BACKUP_EVENTS)[number];
export type RestoreEventName = (typeof RESTORE_EVENTS)[number];
export type VerifyEventName = (typeof VERIFY_EVENTS)[number];
export type AlertEventName = (typeof ALERT_EVENTS)[number];
export type EventName = BackupEventName | RestoreEventName | VerifyEventName | AlertEventName | typeof TEST_EVENT;

export const EVENT_NAMES: readonly EventName[] = [...BACKUP_EVENTS, ...RESTORE_EVENTS, ...VERIFY_EVENTS, ...ALERT_EVENTS, TEST_EVENT];

/** The user guide's `backup` object. */
export interface BackupFacts {
  type: BackupType;
  filename: string | null;
  fileSize: number | null;
  isEncrypted: boolean;
  checksum: string | null;
  durationMs: number | null;
}

export interface ScheduleRef {
  id: string;
  name: string;
}

export interface BackupEvent {
  event: BackupEventName;
  backup: BackupFacts;
  schedule: ScheduleRef | null;
  /** Only on `backup.failed` (the reason) and `backup.completed_with_warnings` (the warning). */
  error?: string;
  timestamp: string;
}

/** What a restore or verification job worked on. */
export interface JobFacts {
  executionId: string;
  trigger: Trigger;
  backupId: string | null;
  type: BackupType | null;
  filename: string | null;
  durationMs: number | null;
}

export interface RestoreEvent {
  event: RestoreEventName;
  restore: JobFacts;
  error?: string;
  timestamp: string;
}

export interface VerifyEvent {
  event: VerifyEventName;
  verify: JobFacts;
  error?: string;
  timestamp: string;
}

export const ALERT_KINDS = ['backup_age', 'size_change', 'storage_usage'] as const;
export type AlertKind = (typeof ALERT_KINDS)[number];

export interface AlertFacts {
  id: string;
  kind: AlertKind;
  /** The backup type or storage target the alert is about. */
  subject: string;
  message: string;
  since: string;
  resolvedAt: string | null;
}

export interface AlertEvent {
  event: AlertEventName;
  alert: AlertFacts;
  timestamp: string;
}

export interface TestEvent {
  event: typeof TEST_EVENT;
  message: string;
  timestamp: string;
}

export type NotificationEvent = BackupEvent | RestoreEvent | VerifyEvent | AlertEvent | TestEvent;

export function isBackupEvent(event: NotificationEvent): event is BackupEvent {
  return (BACKUP_EVENTS as readonly string[]).includes(event.event);
}

/** A usable backup was written: what a dead-man's switch wants to hear about. */
export function isSuccessfulBackup(event: NotificationEvent): event is BackupEvent {
  return event.event === 'backup.completed' || event.event === 'backup.completed_with_warnings';
}

export function testEvent(now: Date = new Date()): TestEvent {
  return { event: TEST_EVENT, message: 'Test notification from Kanbu Backup: this channel works.', timestamp: now.toISOString() };
}
