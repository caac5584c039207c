import 'reflect-metadata';
import { dropCreatedDatabases } from '../../scripts/lib/services';

/** Mocha root hooks: whatever databases the run created are dropped at the end. */
export const mochaHooks = {
  async afterAll(this: Mocha.Context) {
    // Dropping every database a run created takes a while on a busy machine.
    this.timeout(300_000);
    await dropCreatedDatabases();
  },
};
