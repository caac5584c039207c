import type { JobPayloads } from '../../../shared/queue/job-payloads';
import type { QueueName } from '../../../shared/queue/queue-names';
import type { Runtime } from '../../../shared/runtime/runtime';
import type { JobHandler } from '../job-runner';
import { backupProcessor } from './backup.processor';
import { pruneProcessor } from './prune.processor';
import { notifyProcessor } from './notify.processor';
import { restoreProcessor } from './restore.processor';
import { verifyProcessor } from './verify.processor';

/** Builds the handler of queue Q, typed by that queue's payload. */
export type ProcessorFactory<Q extends QueueName> = (runtime: Runtime) => JobHandler<JobPayloads[Q]>;

/** The handler of each queue. A worker refuses to consume a queue that has none. */
export const PROCESSORS: { [Q in QueueName]?: ProcessorFactory<Q> } = {
  backup: backupProcessor,
  prune: pruneProcessor,
  notify: notifyProcessor,
  restore: restoreProcessor,
  verify: verifyProcessor,
};
