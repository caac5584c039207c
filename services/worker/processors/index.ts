import type { QueueName } from '../../../shared/queue/queue-names';
import type { Runtime } from '../../../shared/runtime/runtime';
import type { JobHandler } from '../job-runner';
import { backupProcessor } from './backup.processor';
import { pruneProcessor } from './prune.processor';
import { notifyProcessor } from './notify.processor';
import { restoreProcessor } from './restore.processor';
import { verifyProcessor } from './verify.processor';

// Each handler is typed by its own payload; the registry only needs to call it.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type ProcessorFactory = (runtime: Runtime) => JobHandler<any>;

/** The handler of each queue. A worker refuses to consume a queue that has none. */
export const PROCESSORS: Partial<Record<QueueName, ProcessorFactory>> = {
  backup: backupProcessor,
  prune: pruneProcessor,
  notify: notifyProcessor,
  restore: restoreProcessor,
  verify: verifyProcessor,
};
