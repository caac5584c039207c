import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { ALL_QUEUES, QueueName } from './queue-names';

/** One BullMQ `Queue` per queue name, sharing a connection; used to enqueue, inspect and show in Bull Board. */
export class QueueRegistry {
  private readonly queues = new Map<QueueName, Queue>();

  constructor(
    readonly connection: Redis,
    readonly prefix: string,
  ) {
    for (const name of ALL_QUEUES) {
      const queue = new Queue(name, { connection, prefix });
      // Connection errors are already reported by the connection; without a listener BullMQ prints each one.
      queue.on('error', () => undefined);
      this.queues.set(name, queue);
    }
  }

  get(name: QueueName): Queue {
    const queue = this.queues.get(name);
    if (!queue) throw new Error(`Unknown queue ${name}`);
    return queue;
  }

  all(): Queue[] {
    return [...this.queues.values()];
  }

  async close(): Promise<void> {
    await Promise.all(this.all().map((q) => q.close()));
  }
}
