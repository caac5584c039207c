import assert from 'node:assert/strict';
import { selectQueues } from '../../services/worker/queue-selection';

describe('WORKER_QUEUES selection', () => {
  it('"all" means every queue that has a handler', () => {
    assert.deepEqual(selectQueues('all', ['backup', 'verify']), ['backup', 'verify']);
  });

  it('keeps the named queues, once each', () => {
    assert.deepEqual(selectQueues('backup, backup', ['backup', 'verify']), ['backup']);
  });

  it('refuses a queue without a handler instead of silently idling', () => {
    assert.throws(() => selectQueues('backup,restore', ['backup']), /no handler in this version: restore/);
  });
});
