import assert from 'node:assert/strict';
import { assertPgDumpCanDump, clientMajor, serverMajor } from '../../shared/engine/sources/pg-dump-version';

describe('pg_dump version check', () => {
  it('reads the client and server release lines, old and new numbering', () => {
    assert.deepEqual(clientMajor('pg_dump (PostgreSQL) 15.20 (Debian 15.20-0+deb12u1)'), { label: '15', rank: 1500, version: '15.20' });
    assert.deepEqual(clientMajor('pg_dump (PostgreSQL) 9.6.24'), { label: '9.6', rank: 906, version: '9.6' });
    assert.deepEqual(serverMajor(160004), { label: '16', rank: 1600 });
    assert.deepEqual(serverMajor(90624), { label: '9.6', rank: 906 });
    assert.equal(clientMajor('no digits here'), null);
  });

  it('accepts a client as new as or newer than the server, and refuses an older one', () => {
    assert.doesNotThrow(() => assertPgDumpCanDump('pg_dump (PostgreSQL) 16.1', { serverVersion: '16.4', serverVersionNum: 160004 }));
    assert.doesNotThrow(() => assertPgDumpCanDump('pg_dump (PostgreSQL) 17.0', { serverVersion: '9.6.24', serverVersionNum: 90624 }));
    assert.throws(
      () => assertPgDumpCanDump('pg_dump (PostgreSQL) 15.20', { serverVersion: '17.2 (Debian 17.2-1)', serverVersionNum: 170002 }),
      (err: Error) =>
        /^pg_dump version mismatch: pg_dump 15\.20 cannot dump the PostgreSQL 17\.2 \(Debian 17\.2-1\) server, which is newer\. Install the PostgreSQL 17 client tools \(Debian\/Ubuntu: apt-get install postgresql-client-17/.test(
          err.message,
        ),
    );
  });
});
