import assert from 'node:assert/strict';
import { loadConfig } from '../../shared/config';
import { compressionLevel } from '../../shared/domain/compression-level';
import { BASE_ENV, configProblems } from '../helpers/config';

/** The level the backups of a configuration use. */
function effectiveLevel(env: Record<string, string>): number {
  const config = loadConfig({ ...BASE_ENV, ...env });
  return compressionLevel(config.BACKUP_COMPRESSION, config.BACKUP_COMPRESSION_LEVEL);
}

describe('BACKUP_COMPRESSION_LEVEL', () => {
  it('is optional, with a default per codec: gzip 6, zstd 3', () => {
    assert.equal(loadConfig(BASE_ENV).BACKUP_COMPRESSION_LEVEL, undefined);
    assert.equal(effectiveLevel({}), 6);
    assert.equal(effectiveLevel({ BACKUP_COMPRESSION: 'gzip' }), 6);
    assert.equal(effectiveLevel({ BACKUP_COMPRESSION: 'zstd' }), 3);
    assert.equal(effectiveLevel({ BACKUP_COMPRESSION: 'zstd', BACKUP_COMPRESSION_LEVEL: '' }), 3, 'empty counts as unset');
  });

  it('uses a configured level within the range of the chosen codec', () => {
    assert.equal(effectiveLevel({ BACKUP_COMPRESSION_LEVEL: '1' }), 1);
    assert.equal(effectiveLevel({ BACKUP_COMPRESSION_LEVEL: '9' }), 9);
    assert.equal(effectiveLevel({ BACKUP_COMPRESSION: 'zstd', BACKUP_COMPRESSION_LEVEL: '19' }), 19);
    assert.equal(effectiveLevel({ BACKUP_COMPRESSION: 'zstd', BACKUP_COMPRESSION_LEVEL: '12' }), 12);
  });

  it('refuses a level outside the range of gzip, naming the range, the codec and the value', () => {
    for (const level of ['0', '10', '19']) {
      const message = configProblems({ ...BASE_ENV, BACKUP_COMPRESSION_LEVEL: level });
      assert.match(message, new RegExp(`BACKUP_COMPRESSION_LEVEL must be an integer from 1 to 9 for gzip \\(got "${level}"\\)`));
    }
  });

  it('refuses a level outside the range of zstd', () => {
    for (const level of ['0', '20', '-3']) {
      const message = configProblems({ ...BASE_ENV, BACKUP_COMPRESSION: 'zstd', BACKUP_COMPRESSION_LEVEL: level });
      assert.match(message, new RegExp(`BACKUP_COMPRESSION_LEVEL must be an integer from 1 to 19 for zstd \\(got "${level}"\\)`));
    }
  });

  it('refuses a level that is not an integer', () => {
    for (const level of ['fast', '3.5', '6x'])
      assert.match(configProblems({ ...BASE_ENV, BACKUP_COMPRESSION_LEVEL: level }), /BACKUP_COMPRESSION_LEVEL must be an integer/);
  });

  it('reports an unknown codec on BACKUP_COMPRESSION alone, not as a bad level', () => {
    const message = configProblems({ ...BASE_ENV, BACKUP_COMPRESSION: 'brotli', BACKUP_COMPRESSION_LEVEL: '5' });
    assert.match(message, /BACKUP_COMPRESSION must be one of/);
    assert.doesNotMatch(message, /BACKUP_COMPRESSION_LEVEL/);
  });
});
