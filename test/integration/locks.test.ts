import assert from 'node:assert/strict';
import IORedis, { Redis } from 'ioredis';
import { ResourceLocks } from '../../shared/queue/locks';
import { REDIS_URL, uniqueName } from '../../scripts/lib/services';
import { waitFor } from '../helpers/wait';

describe('Redis resource locks', () => {
  let redis: Redis;
  let prefix: string;
  let locks: ResourceLocks;

  beforeEach(() => {
    redis = new IORedis(REDIS_URL);
    prefix = uniqueName('kbt-locks');
    locks = new ResourceLocks(redis, prefix, 1500);
  });
  afterEach(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  it('is exclusive per resource until released', async () => {
    const first = await locks.tryAcquire('db:h:5432/kanbu');
    assert.ok(first);
    assert.equal(await locks.tryAcquire('db:h:5432/kanbu'), null);
    const other = await locks.tryAcquire('db:h:5432/other');
    assert.ok(other, 'another resource is independent');
    await first.release();
    const again = await locks.tryAcquire('db:h:5432/kanbu');
    assert.ok(again);
    await Promise.all([again.release(), other.release()]);
    assert.equal(await redis.exists(locks.key('db:h:5432/kanbu')), 0);
  });

  it('keys live under the queue prefix, so installations sharing a Redis do not block each other', async () => {
    const theirs = new ResourceLocks(redis, `${prefix}-other`, 1500);
    const mine = await locks.tryAcquire('db:h:5432/kanbu');
    const other = await theirs.tryAcquire('db:h:5432/kanbu');
    assert.ok(mine && other);
    assert.equal(locks.key('db:h:5432/kanbu'), `${prefix}:lock:db:h:5432/kanbu`);
    await Promise.all([mine.release(), other.release()]);
  });

  it('is renewed while held, past its TTL', async () => {
    // Renewed every second: generous for a busy machine, where the event loop can stall.
    const lock = await locks.tryAcquire('r', 3000);
    assert.ok(lock);
    let lowest = Infinity;
    // A renewal shows as the remaining TTL going up again; without renewal it only falls to expiry.
    await waitFor(
      async () => {
        const left = (await locks.remainingMs('r')) ?? -1;
        assert.ok(left > 0, 'the lock expired although it was being renewed');
        if (left > lowest + 200) return true;
        lowest = Math.min(lowest, left);
        return undefined;
      },
      'a renewal',
      20_000,
      50,
    );
    await lock.release();
  });

  it('expires when its holder stops renewing it (a crashed worker)', async () => {
    // What a killed worker leaves: its token, with the TTL it last set.
    await redis.set(locks.key('db:crashed'), 'token-of-a-dead-worker', 'PX', 700);
    assert.equal(await locks.tryAcquire('db:crashed'), null);
    const taken = await waitFor(async () => (await locks.tryAcquire('db:crashed')) ?? undefined, 'the dead lock to expire', 20_000, 50);
    await taken.release();
  });

  it('release deletes only its own lock, and the holder learns when it lost it', async () => {
    const lock = await locks.tryAcquire('r2');
    assert.ok(lock);
    // Someone else got the resource (e.g. after Redis lost the key): our release must not free their lock.
    await redis.set(locks.key('r2'), 'someone-else', 'PX', 60_000);
    await waitFor(async () => (lock.signal.aborted ? true : undefined), 'the lost-lock signal', 20_000, 50);
    await lock.release();
    assert.equal(await redis.get(locks.key('r2')), 'someone-else');
  });

  it('acquire waits for a busy lock and gives up with LOCK_TIMEOUT', async () => {
    const held = await locks.tryAcquire('r3');
    assert.ok(held);
    await assert.rejects(locks.acquire('r3', 300), (err: { code?: string }) => err.code === 'LOCK_TIMEOUT');
    const waiting = locks.acquire('r3', 20_000);
    await held.release();
    await (await waiting).release();
  });
});
