import 'reflect-metadata';
import { dropCreatedDatabases } from '../../scripts/lib/services';

/** Mocha root hooks: whatever databases the run created are dropped at the end. */
export const mochaHooks = {
  async afterAll(this: Mocha.Context) {
    this.timeout(60_000);
    await dropCreatedDatabases();
  },
};
