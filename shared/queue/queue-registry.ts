import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type { JobPayloads } from './job-payloads';
import type { QueueName } from './queue-names';

/** The BullMQ queue of each name, typed by its payload (job names are `<queue>.<variant>` strings). */
export type TypedQueue<Q extends QueueName> = Queue<JobPayloads[Q], unknown, string, JobPayloads[Q], unknown, string>;
type Queues = { [Q in QueueName]: TypedQueue<Q> };

/** One BullMQ `Queue` per queue name, sharing a connection; used to enqueue, inspect and show in Bull Board. */
export class QueueRegistry {
  private readonly queues: Queues;

  constructor(
    readonly connection: Redis,
    readonly prefix: string,
  ) {
    this.queues = {
      backup: this.open('backup'),
      restore: this.open('restore'),
      verify: this.open('verify'),
      prune: this.open('prune'),
      notify: this.open('notify'),
    };
  }

  private open<Q extends QueueName>(name: Q): TypedQueue<Q> {
    const queue: TypedQueue<Q> = new Queue(name, { connection: this.connection, prefix: this.prefix });
    // Connection errors are already reported by the connection; without a listener BullMQ prints each one.
    queue.on('error', () => undefined);
    return queue;
  }

  get<Q extends QueueName>(name: Q): TypedQueue<Q> {
    return this.queues[name];
  }

  all(): Queue[] {
    return Object.values(this.queues);
  }

  async close(): Promise<void> {
    await Promise.all(this.all().map((q) => q.close()));
  }
}
