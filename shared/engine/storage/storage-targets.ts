import type { StorageBackend } from './storage-backend';

/** Where backups go: the primary target and the replicas every backup is also written to. */
export class StorageTargets {
  readonly all: readonly StorageBackend[];

  constructor(
    readonly primary: StorageBackend,
    readonly replicas: readonly StorageBackend[] = [],
  ) {
    this.all = [primary, ...replicas];
  }

  /** The target recorded as `backup_copy.target`, or undefined when it is no longer configured. */
  get(name: string): StorageBackend | undefined {
    return this.all.find((target) => target.name === name);
  }
}
