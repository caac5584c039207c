import type { Redis } from 'ioredis';
import type { JobProgress } from '../domain/job-progress';
import type { QueueName } from './queue-names';

export const JOB_EVENT_TYPES = ['started', 'progress', 'completed', 'failed'] as const;
export type JobEventType = (typeof JOB_EVENT_TYPES)[number];

/** What GET /api/events sends: ids, stages and outcomes; never job data, paths or secrets. */
export interface JobEvent {
  type: JobEventType;
  queue: QueueName;
  /** `backup.database`, `restore.restore`, … */
  name: string;
  jobId: string | null;
  executionId: string;
  at: string;
  attempt?: number;
  progress?: JobProgress;
  backupId?: string | null;
  /** The (redacted) reason of a failure, as the execution records it. */
  error?: string;
}

export interface StoredJobEvent {
  /** The Redis stream id: the SSE event id, and what `Last-Event-ID` resumes after. */
  id: string;
  event: JobEvent;
}

export const EVENT_ID = /^\d{1,20}-\d{1,20}$/;

/** Stream ids compare as (milliseconds, sequence). */
export function compareEventIds(a: string, b: string): number {
  const [am, as] = a.split('-').map(BigInt);
  const [bm, bs] = b.split('-').map(BigInt);
  if (am !== bm) return am < bm ? -1 : 1;
  return as === bs ? 0 : as < bs ? -1 : 1;
}

function parseEntries(entries: [string, string[]][]): StoredJobEvent[] {
  return entries.map(([id, fields]) => ({ id, event: JSON.parse(fields[fields.indexOf('event') + 1]) as JobEvent }));
}

/**
 * Job events in one Redis stream, trimmed to about `maxLength` entries: workers append,
 * every API process reads, and a reconnecting browser resumes after its Last-Event-ID
 * as long as that event is still in the window.
 */
export class JobEventLog {
  readonly key: string;

  constructor(
    private readonly redis: Redis,
    prefix: string,
    private readonly maxLength = 5000,
  ) {
    this.key = `${prefix}:events`;
  }

  async publish(event: JobEvent): Promise<string> {
    return (await this.redis.xadd(this.key, 'MAXLEN', '~', String(this.maxLength), '*', 'event', JSON.stringify(event)))!;
  }

  /** The newest event id, or `0-0` when there is none yet: where a new listener starts. */
  async latestId(): Promise<string> {
    const [newest] = await this.redis.xrevrange(this.key, '+', '-', 'COUNT', 1);
    return newest?.[0] ?? '0-0';
  }

  /** Whether events after `id` may have been trimmed away (it is older than the window). */
  async isBeforeWindow(id: string): Promise<boolean> {
    const [oldest] = await this.redis.xrange(this.key, '-', '+', 'COUNT', 1);
    return oldest !== undefined && compareEventIds(id, oldest[0]) < 0;
  }

  /**
   * Events after `afterId`, waiting up to `blockMs` for one. `connection` must be a
   * connection of its own: a blocking read holds it.
   */
  async read(connection: Redis, afterId: string, blockMs: number, count = 100): Promise<StoredJobEvent[]> {
    const reply = (await connection.xread('COUNT', count, 'BLOCK', blockMs, 'STREAMS', this.key, afterId)) as [string, [string, string[]][]][] | null;
    return reply ? parseEntries(reply[0][1]) : [];
  }
}
