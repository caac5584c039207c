import assert from 'node:assert/strict';
import { JournalFacts, planRecovery, ServerDatabase } from '../../shared/domain/swap-recovery';

const RUN = 'run-1';
const journal = (over: Partial<JournalFacts> = {}): JournalFacts => ({
  executionId: RUN,
  step: 'swapping',
  checksPassed: true,
  liveName: 'kanbu',
  liveOid: '100',
  restoredName: 'kanbu_restore_1',
  restoredOid: '200',
  previousName: 'kanbu_pre_restore_1',
  keepPrevious: true,
  ...over,
});
const db = (oid: string, name: string, over: Partial<ServerDatabase> = {}): ServerDatabase => ({
  oid,
  name,
  allowConnections: true,
  marked: false,
  markedBy: null,
  ...over,
});
const restoredDb = (name = 'kanbu_restore_1', over: Partial<ServerDatabase> = {}) => db('200', name, { marked: true, markedBy: RUN, ...over });

describe('planRecovery: settling an interrupted restore swap', () => {
  it('state A (live closed, nothing renamed, checks passed): rolls forward with the whole swap in one transaction', () => {
    const plan = planRecovery(journal({ step: 'terminating' }), [db('100', 'kanbu', { allowConnections: false }), restoredDb()], 'interrupted');
    assert.equal(plan.outcome, 'rolled_forward');
    assert.deepEqual(plan.close, ['kanbu_restore_1']);
    assert.deepEqual(plan.transaction, [
      { kind: 'rename', from: 'kanbu', to: 'kanbu_pre_restore_1' },
      { kind: 'allow', name: 'kanbu_pre_restore_1', allow: true },
      { kind: 'rename', from: 'kanbu_restore_1', to: 'kanbu' },
      { kind: 'allow', name: 'kanbu', allow: true },
      { kind: 'unmark', name: 'kanbu' },
    ]);
    assert.deepEqual(plan.drop, []);
    assert.equal(plan.previousDatabase, 'kanbu_pre_restore_1');
  });

  it('state C (committed): only what is missing, no renames; the restored database is identified by OID, not by name', () => {
    const plan = planRecovery(journal({ step: 'swapping' }), [db('200', 'kanbu'), db('100', 'kanbu_pre_restore_1')], 'interrupted');
    assert.equal(plan.outcome, 'rolled_forward');
    assert.equal(plan.live, 'restored');
    assert.ok(plan.transaction.every((s) => s.kind !== 'rename'));
    assert.equal(plan.previousDatabase, 'kanbu_pre_restore_1');
  });

  it('keepPrevious false: the previous database is dropped after the transaction, and not reported as kept', () => {
    const plan = planRecovery(
      journal({ keepPrevious: false, step: 'dropping_previous' }),
      [db('200', 'kanbu'), db('100', 'kanbu_pre_restore_1')],
      'interrupted',
    );
    assert.deepEqual(plan.drop, ['kanbu_pre_restore_1']);
    assert.equal(plan.previousDatabase, null);
  });

  it('interrupted before the live database was touched (even with checks passed): rolls back by dropping the restored database only', () => {
    const plan = planRecovery(journal({ step: 'checked' }), [db('100', 'kanbu'), restoredDb()], 'interrupted');
    assert.equal(plan.outcome, 'rolled_back');
    assert.deepEqual(plan.transaction, []);
    assert.deepEqual(plan.drop, ['kanbu_restore_1']);
    assert.equal(plan.live, 'old');
  });

  it('checks not passed: rolls back, reopening the closed live database', () => {
    const plan = planRecovery(
      journal({ step: 'closing', checksPassed: false }),
      [db('100', 'kanbu', { allowConnections: false }), restoredDb()],
      'interrupted',
    );
    assert.equal(plan.outcome, 'rolled_back');
    assert.deepEqual(plan.transaction, [{ kind: 'allow', name: 'kanbu', allow: true }]);
    assert.deepEqual(plan.drop, ['kanbu_restore_1']);
  });

  it('a run that failed during its swap is rolled back (not forward), unless the swap had committed', () => {
    const closed = [db('100', 'kanbu', { allowConnections: false }), restoredDb()];
    assert.equal(planRecovery(journal(), closed, 'failed').outcome, 'rolled_back');
    assert.equal(planRecovery(journal(), [db('200', 'kanbu'), db('100', 'kanbu_pre_restore_1')], 'failed').outcome, 'rolled_forward');
  });

  it('the mark is cleared from the old database too when it carries one (never kept with a temporary mark)', () => {
    const plan = planRecovery(journal({ step: 'closing' }), [db('100', 'kanbu', { allowConnections: false, marked: true }), restoredDb()], 'interrupted');
    assert.ok(plan.transaction.some((s) => s.kind === 'unmark' && s.name === 'kanbu_pre_restore_1'));
  });

  it('a temporary database created but not yet recorded by OID is found by name and this run’s own mark only', () => {
    const foreign = db('300', 'kanbu_restore_1', { marked: true, markedBy: 'other-run' });
    const back = planRecovery(journal({ step: 'loading', restoredOid: null, checksPassed: false }), [db('100', 'kanbu'), foreign], 'interrupted');
    assert.deepEqual(back.drop, [], 'a database another run created is not this run’s to drop');
    const own = planRecovery(
      journal({ step: 'loading', restoredOid: null, checksPassed: false }),
      [db('100', 'kanbu'), restoredDb('kanbu_restore_1', { oid: '301' })],
      'interrupted',
    );
    assert.deepEqual(own.drop, ['kanbu_restore_1']);
  });

  it('an unknown database under the live name is left for an operator', () => {
    const plan = planRecovery(journal(), [db('999', 'kanbu'), db('100', 'kanbu_pre_restore_1'), restoredDb()], 'interrupted');
    assert.equal(plan.outcome, 'stuck');
    assert.deepEqual([plan.transaction, plan.drop], [[], []]);
  });

  it('the swap of the run itself goes forward from the untouched state', () => {
    const plan = planRecovery(journal({ step: 'checked' }), [db('100', 'kanbu'), restoredDb()], 'swap');
    assert.equal(plan.outcome, 'rolled_forward');
    assert.deepEqual(plan.close, ['kanbu', 'kanbu_restore_1']);
  });

  it('a restore into a new database (no live database): forward renames the restored one into place', () => {
    const plan = planRecovery(
      journal({ liveName: 'copy', liveOid: null, previousName: null, restoredName: 'copy_restore_1' }),
      [restoredDb('copy_restore_1')],
      'swap',
    );
    assert.deepEqual(plan.transaction, [
      { kind: 'rename', from: 'copy_restore_1', to: 'copy' },
      { kind: 'allow', name: 'copy', allow: true },
      { kind: 'unmark', name: 'copy' },
    ]);
    assert.equal(plan.previousDatabase, null);
  });
});
