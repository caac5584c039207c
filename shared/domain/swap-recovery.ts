/**
 * The restore swap's steps and the rule that settles an interrupted one. Pure:
 * the caller reads the journal and the server's databases, this decides, the
 * caller applies the plan.
 */

/** In order; each is written to the journal before it runs. */
export const SWAP_STEPS = ['loading', 'checked', 'closing', 'terminating', 'swapping', 'swapped', 'dropping_previous'] as const;
export type SwapStep = (typeof SWAP_STEPS)[number];

/** `completed` by the run itself; `rolled_forward` / `rolled_back` by a recovery; `failed` when the run undid its own work. */
export const SWAP_OUTCOMES = ['completed', 'rolled_forward', 'rolled_back', 'failed'] as const;
export type SwapOutcome = (typeof SWAP_OUTCOMES)[number];

export interface JournalFacts {
  executionId: string;
  step: SwapStep;
  checksPassed: boolean;
  liveName: string;
  liveOid: string | null;
  restoredName: string;
  restoredOid: string | null;
  previousName: string | null;
  keepPrevious: boolean;
}

export interface ServerDatabase {
  oid: string;
  name: string;
  allowConnections: boolean;
  /** Carries the temporary-database mark. */
  marked: boolean;
  /** The execution id in its temporary-database mark, if any. */
  markedBy: string | null;
}

/** One statement of the transaction that puts the databases in their final place. */
export type SwapStatement = { kind: 'rename'; from: string; to: string } | { kind: 'allow'; name: string; allow: boolean } | { kind: 'unmark'; name: string };

export interface RecoveryPlan {
  outcome: 'rolled_forward' | 'rolled_back' | 'stuck';
  /** Databases to close (ALLOW_CONNECTIONS false, committed) and empty of sessions before the transaction renames them. */
  close: string[];
  /** Run in one transaction. */
  transaction: SwapStatement[];
  /** Dropped after the transaction committed. */
  drop: string[];
  /** What the live name holds afterwards. */
  live: 'old' | 'restored' | 'none';
  /** The kept replaced database, as the execution should record it. */
  previousDatabase: string | null;
  /** For the log and the execution's error. */
  summary: string;
}

const stepIndex = (step: SwapStep) => SWAP_STEPS.indexOf(step);

/** True once the run started to take the live database out of service. */
export function touchedLive(step: SwapStep): boolean {
  return stepIndex(step) >= stepIndex('closing');
}

/** The restored database: by OID, or — created but not recorded yet — by name and this run's own mark. */
function findRestored(journal: JournalFacts, databases: ServerDatabase[]): ServerDatabase | undefined {
  return (
    (journal.restoredOid ? databases.find((d) => d.oid === journal.restoredOid) : undefined) ??
    databases.find((d) => d.name === journal.restoredName && d.markedBy === journal.executionId)
  );
}

function freeName(base: string, databases: ServerDatabase[]): string {
  return databases.some((d) => d.name === base) ? `${base.slice(0, 59)}_old` : base;
}

/**
 * Decides where the databases of a restore go.
 * `swap`: the run is ready to swap — forward, if the restored database passed its checks.
 * `interrupted`: a run that died — roll forward when the journal shows the
 * restored database passed its checks and the live database was already being
 * taken out of service (the pre-restore backup is done by then), otherwise roll back.
 * `failed`: the run itself failed — roll back, unless the swap had already committed.
 */
export function planRecovery(journal: JournalFacts, databases: ServerDatabase[], mode: 'swap' | 'interrupted' | 'failed'): RecoveryPlan {
  const old = journal.liveOid ? databases.find((d) => d.oid === journal.liveOid) : undefined;
  const restored = findRestored(journal, databases);
  const occupant = databases.find((d) => d.name === journal.liveName);
  const alreadySwapped = !!restored && restored.name === journal.liveName;
  const ready = journal.checksPassed && (mode === 'swap' || (mode === 'interrupted' && touchedLive(journal.step)));
  const forward = !!restored && (alreadySwapped || ready);

  const close: string[] = [];
  const transaction: SwapStatement[] = [];
  const drop: string[] = [];
  const rename = (db: ServerDatabase, to: string) => {
    if (db.name === to) return;
    if (db.allowConnections) close.push(db.name);
    transaction.push({ kind: 'rename', from: db.name, to });
  };
  const plan = (outcome: RecoveryPlan['outcome'], live: RecoveryPlan['live'], previousDatabase: string | null, summary: string): RecoveryPlan => ({
    outcome,
    close,
    transaction,
    drop,
    live,
    previousDatabase,
    summary,
  });

  if (occupant && occupant.oid !== old?.oid && occupant.oid !== restored?.oid) {
    return plan('stuck', 'none', null, `a database this restore did not record (OID ${occupant.oid}) holds the name ${journal.liveName}; left for an operator`);
  }

  if (forward && restored) {
    let previousDatabase: string | null = null;
    if (old) {
      const previous = old.name !== journal.liveName ? old.name : (journal.previousName ?? freeName(`${journal.liveName}_pre_restore`, databases));
      rename(old, previous);
      transaction.push({ kind: 'allow', name: previous, allow: true });
      if (old.marked) transaction.push({ kind: 'unmark', name: previous });
      if (journal.keepPrevious) previousDatabase = previous;
      else drop.push(previous);
    }
    rename(restored, journal.liveName);
    if (!restored.allowConnections || !alreadySwapped) transaction.push({ kind: 'allow', name: journal.liveName, allow: true });
    if (restored.marked) transaction.push({ kind: 'unmark', name: journal.liveName });
    const how = alreadySwapped
      ? 'the swap had committed'
      : `the restored database had passed its checks; the swap that stopped at "${journal.step}" was completed`;
    return plan('rolled_forward', 'restored', previousDatabase, `rolled forward: ${how}`);
  }

  // Roll back: a restored database holding the live name gives it back first, then the old one returns to it.
  if (restored) {
    const parking = alreadySwapped ? freeName(journal.restoredName, databases) : restored.name;
    rename(restored, parking);
    drop.push(parking);
  }
  if (old) {
    rename(old, journal.liveName);
    if (!old.allowConnections || old.name !== journal.liveName) transaction.push({ kind: 'allow', name: journal.liveName, allow: true });
    if (old.marked) transaction.push({ kind: 'unmark', name: journal.liveName });
  }
  const why = !touchedLive(journal.step)
    ? `the run stopped at "${journal.step}", before the live database was touched`
    : journal.checksPassed
      ? 'the swap did not complete'
      : 'the restored database never passed its checks';
  return plan('rolled_back', old ? 'old' : 'none', null, `rolled back: ${why}`);
}
