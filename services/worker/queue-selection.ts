import { ALL_QUEUES, QueueName } from '../../shared/queue/queue-names';

/**
 * WORKER_QUEUES → the queues this process consumes. `all` means every queue that
 * has a handler; naming a queue without one is a start-up error, not a silent no-op.
 */
export function selectQueues(setting: string, handled: readonly QueueName[]): QueueName[] {
  const requested = setting
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (requested.includes('all')) return ALL_QUEUES.filter((q) => handled.includes(q));
  const missing = requested.filter((q) => !handled.includes(q as QueueName));
  if (missing.length > 0) {
    throw new Error(`WORKER_QUEUES names queue(s) with no handler in this version: ${missing.join(', ')} (available: ${handled.join(', ')})`);
  }
  return [...new Set(requested)] as QueueName[];
}
