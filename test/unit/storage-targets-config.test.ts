import assert from 'node:assert/strict';
import { loadConfig } from '../../shared/config';
import { createStorageTargets } from '../../shared/engine/storage/storage-factory';
import { redact } from '../../shared/logging';
import { BASE_ENV, configProblems } from '../helpers/config';

describe('storage targets in the configuration', () => {
  it('has only the primary by default', () => {
    const config = loadConfig(BASE_ENV);
    assert.deepEqual(
      config.storageTargets.map((t) => [t.target, t.kind, t.primary]),
      [['local', 'local', true]],
    );
    assert.equal(config.BACKUP_REQUIRE_ALL_COPIES, false);
    assert.equal(config.BACKUP_GDRIVE_REQUIRE_MOUNT, true);
  });

  it('reads each named target from its own variables, with no inheritance from the unnamed ones', () => {
    const config = loadConfig({
      ...BASE_ENV,
      BACKUP_STORAGE: 's3',
      BACKUP_S3_BUCKET: 'kanbu-backups-eu',
      BACKUP_S3_REGION: 'eu-central-1',
      BACKUP_S3_SSE: 'aws:kms',
      BACKUP_REPLICAS: ' s3:us , local:offsite,gdrive',
      BACKUP_S3_US_BUCKET: 'kanbu-backups-us',
      BACKUP_S3_US_ENDPOINT: 'https://s3.us-west-004.backblazeb2.com',
      BACKUP_S3_US_FORCE_PATH_STYLE: 'yes',
      BACKUP_LOCAL_OFFSITE_PATH: '/mnt/offsite/kanbu',
      BACKUP_GDRIVE_PATH: '/mnt/gdrive/emergency',
    });
    assert.deepEqual(
      config.storageTargets.map((t) => [t.target, t.kind, t.label, t.primary]),
      [
        ['s3', 's3', undefined, true],
        ['s3:us', 's3', 'us', false],
        ['local:offsite', 'local', 'offsite', false],
        ['gdrive', 'gdrive', undefined, false],
      ],
    );
    const [eu, us, offsite, gdrive] = config.storageTargets.map((t) => t.settings);
    assert.equal(eu.BACKUP_S3_BUCKET, 'kanbu-backups-eu');
    assert.equal(us.BACKUP_S3_BUCKET, 'kanbu-backups-us');
    assert.equal(us.BACKUP_S3_REGION, 'us-east-1', "the default, not the unnamed target's eu-central-1");
    assert.equal(us.BACKUP_S3_SSE, undefined, 'not inherited');
    assert.equal(us.BACKUP_S3_FORCE_PATH_STYLE, true);
    assert.equal(offsite.BACKUP_LOCAL_PATH, '/mnt/offsite/kanbu');
    assert.equal(gdrive.BACKUP_GDRIVE_PATH, '/mnt/gdrive/emergency');

    const targets = createStorageTargets(config);
    assert.deepEqual(
      targets.all.map((t) => t.name),
      ['s3', 's3:us', 'local:offsite', 'gdrive'],
    );
    assert.equal(targets.primary.location, 's3://kanbu-backups-eu/');
    assert.equal(targets.get('s3:us')?.location, 's3://kanbu-backups-us/ at https://s3.us-west-004.backblazeb2.com');
    assert.equal(targets.get('local:offsite')?.location, '/mnt/offsite/kanbu');
  });

  it('names the missing variable of a named target', () => {
    const message = configProblems({ ...BASE_ENV, BACKUP_REPLICAS: 's3:us,local:second' });
    assert.match(message, /BACKUP_S3_US_BUCKET is required/);
    assert.match(message, /BACKUP_LOCAL_SECOND_PATH is required for the storage target local:second/);
    assert.doesNotMatch(message, /BACKUP_S3_BUCKET /);
  });

  it('requires the unnamed variables only when the unnamed target is used', () => {
    assert.match(configProblems({ ...BASE_ENV, BACKUP_STORAGE: 's3' }), /BACKUP_S3_BUCKET is required/);
    assert.match(configProblems({ ...BASE_ENV, BACKUP_REPLICAS: 's3' }), /BACKUP_S3_BUCKET is required/);
    assert.doesNotThrow(() => loadConfig({ ...BASE_ENV, BACKUP_REPLICAS: 's3:us', BACKUP_S3_US_BUCKET: 'b' }));
  });

  it("validates a named target's values under its own names, never echoing its secrets", () => {
    const message = configProblems({
      ...BASE_ENV,
      BACKUP_REPLICAS: 's3:us',
      BACKUP_S3_US_BUCKET: 'b',
      BACKUP_S3_US_PART_SIZE_MB: '2',
      BACKUP_S3_US_ENDPOINT: 'ftp://x',
      BACKUP_S3_US_SECRET_ACCESS_KEY: 'us-secret-value-123',
    });
    assert.match(message, /BACKUP_S3_US_PART_SIZE_MB must not be less than 5/);
    assert.match(message, /BACKUP_S3_US_ENDPOINT must be a URL starting with http:\/\/ or https:\/\//);
    assert.match(message, /BACKUP_S3_US_ACCESS_KEY_ID/);
    assert.doesNotMatch(message, /us-secret-value-123/);
    assert.equal(redact('the key is us-secret-value-123'), 'the key is ***', 'named secrets are masked in logs too');
  });

  it("masks the AWS SDK's own credentials from the environment in logs", () => {
    loadConfig({ ...BASE_ENV, AWS_SECRET_ACCESS_KEY: 'aws-secret-from-env-42' });
    assert.equal(redact('x aws-secret-from-env-42 y'), 'x *** y');
  });

  const badLists: [string, RegExp][] = [
    ['ftp', /"ftp" is not a storage target/],
    ['s3:US', /"s3:US" is not a storage target/],
    ['s3:../x', /is not a storage target/],
    ['local', /"local" is already the primary target/],
    ['s3:a,s3:a', /"s3:a" is listed twice/],
  ];
  for (const [list, expected] of badLists) {
    it(`refuses BACKUP_REPLICAS=${list}`, () => {
      const message = configProblems({ ...BASE_ENV, BACKUP_REPLICAS: list });
      assert.match(message, /BACKUP_REPLICAS is invalid/);
      assert.match(message, expected);
    });
  }

  it('refuses a replica in the same place as another target', () => {
    const message = configProblems({
      ...BASE_ENV,
      BACKUP_LOCAL_PATH: '/data/backups/',
      BACKUP_REPLICAS: 'local:copy',
      BACKUP_LOCAL_COPY_PATH: '/data/backups',
    });
    assert.match(message, /local:copy is in the same place as local/);
  });

  it('refuses an S3 prefix that could climb out of its folder, and a storage class that is not one', () => {
    assert.match(
      configProblems({ ...BASE_ENV, BACKUP_STORAGE: 's3', BACKUP_S3_BUCKET: 'b', BACKUP_S3_PREFIX: 'kanbu/../other' }),
      /BACKUP_S3_PREFIX may contain only/,
    );
    assert.match(
      configProblems({ ...BASE_ENV, BACKUP_STORAGE: 's3', BACKUP_S3_BUCKET: 'b', BACKUP_S3_STORAGE_CLASS: 'cheap please' }),
      /BACKUP_S3_STORAGE_CLASS/,
    );
    assert.equal(loadConfig({ ...BASE_ENV, BACKUP_STORAGE: 's3', BACKUP_S3_BUCKET: 'b', BACKUP_S3_PREFIX: 'kanbu/prod/' }).BACKUP_S3_PREFIX, 'kanbu/prod/');
  });

  it('never lists the resolved targets (and their secrets) among the variables', () => {
    const config = loadConfig({
      ...BASE_ENV,
      BACKUP_REPLICAS: 's3:us',
      BACKUP_S3_US_BUCKET: 'b',
      BACKUP_S3_US_ACCESS_KEY_ID: 'AKIAEXAMPLE',
      BACKUP_S3_US_SECRET_ACCESS_KEY: 'hidden-secret-99',
    });
    assert.equal(Object.keys(config).includes('storageTargets'), false);
    assert.equal(JSON.stringify(config).includes('hidden-secret-99'), false);
    assert.equal(config.storageTargets[1].settings.BACKUP_S3_SECRET_ACCESS_KEY, 'hidden-secret-99');
  });
});
