import assert from 'node:assert/strict';
import { sourceRestoreTargetProblem } from '../../shared/domain/restore-target';

describe('source restore target', () => {
  const protectedPaths = [
    { label: 'the storage target local', path: '/data/backups' },
    { label: 'the running Kanbu code (KANBU_SOURCE_PATH)', path: '/app', sameAllowed: true },
  ];
  const problem = (target: string) => sourceRestoreTargetProblem(target, protectedPaths);

  it('accepts a directory of its own, and the running code itself (replaced only when asked)', () => {
    for (const ok of ['/srv/kanbu-restored', '/tmp/kanbu-restore-1', '/var/www/kanbu', '/app', '/data/restored', '/opt/kanbu'])
      assert.equal(problem(ok), null, ok);
  });

  it('refuses a storage root, a directory inside it, and a parent of it', () => {
    for (const bad of ['/data/backups', '/data/backups/', '/data/backups/x', '/data', '/data/backups/../backups']) {
      assert.match(problem(bad) ?? '', /overlaps the storage target local \(\/data\/backups\)/, bad);
    }
  });

  it('refuses a parent or a child of the running code', () => {
    assert.match(problem('/app/src') ?? '', /overlaps the running Kanbu code/);
  });

  it('refuses system directories and relative paths', () => {
    for (const bad of ['/', '/tmp', '/etc', '/etc/kanbu', '/usr/local/kanbu', '/var', '/home', '/proc/1'])
      assert.match(problem(bad) ?? '', /system directory/, bad);
    assert.match(problem('srv/kanbu') ?? '', /absolute/);
  });
});
