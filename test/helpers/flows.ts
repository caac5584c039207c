import assert from 'node:assert/strict';
import type { Backup, Execution } from '../../shared/catalog/entities';
import { http } from './http';
import { ADMIN_KEY, TestStack } from '../../scripts/lib/stack';
import { waitFor } from './wait';

const FINAL = ['completed', 'failed'];

/** Waits until an execution reaches a final status and returns it. */
export async function waitForExecution(stack: TestStack, executionId: string, timeoutMs = 60_000): Promise<Execution> {
  return waitFor(
    async () => {
      const e = await stack.runtime.executions.findById(executionId);
      return e && FINAL.includes(e.status) ? e : undefined;
    },
    `execution ${executionId} to finish`,
    timeoutMs,
  );
}

/** POST /api/backups and wait for the backup to be completed. */
export async function takeBackup(stack: TestStack): Promise<Backup> {
  const res = await http('POST', `${stack.baseUrl}/api/backups`, { token: ADMIN_KEY, body: { type: 'database' } });
  assert.equal(res.status, 202, res.text);
  const execution = await waitForExecution(stack, res.body.executionId);
  assert.equal(execution.status, 'completed', execution.error ?? '');
  return (await stack.runtime.backups.findById(execution.backupId!))!;
}

/** The two API steps of a restore; returns the queued execution id. */
export async function requestRestore(stack: TestStack, backupId: string, body: Record<string, unknown> = {}): Promise<string> {
  const ask = await http('POST', `${stack.baseUrl}/api/backups/${backupId}/restore`, { token: ADMIN_KEY, body });
  assert.equal(ask.status, 200, ask.text);
  const confirm = await http('POST', `${stack.baseUrl}/api/backups/${backupId}/restore/confirm`, {
    token: ADMIN_KEY,
    body: { token: ask.body.confirmation.token },
  });
  assert.equal(confirm.status, 202, confirm.text);
  return confirm.body.executionId;
}
