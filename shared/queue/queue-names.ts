import type { ExecutionKind } from '../domain/types';

export const QueueName = {
  Backup: 'backup',
  Restore: 'restore',
  Verify: 'verify',
  Prune: 'prune',
  Notify: 'notify',
} as const satisfies Record<string, ExecutionKind>;

export type QueueName = (typeof QueueName)[keyof typeof QueueName];

export const ALL_QUEUES: readonly QueueName[] = Object.values(QueueName);
