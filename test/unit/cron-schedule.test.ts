import assert from 'node:assert/strict';
import { canonicalTimeZone, cronProblem, nearestRun, nextRuns } from '../../shared/domain/cron-schedule';

const iso = (dates: Date[]) => dates.map((d) => d.toISOString());

describe('cron schedule timing', () => {
  it("lists the next runs in the schedule's zone, across the start of DST", () => {
    const runs = nextRuns('30 2 * * *', 'Europe/Amsterdam', new Date('2026-03-27T12:00Z'), 4);
    // 02:30 does not exist on 29 March (clocks jump 02:00 → 03:00); cron-parser runs it at 03:30 CEST.
    assert.deepEqual(iso(runs), ['2026-03-28T01:30:00.000Z', '2026-03-29T01:30:00.000Z', '2026-03-30T00:30:00.000Z', '2026-03-31T00:30:00.000Z']);
  });

  it('accepts five fields, six (with seconds) and aliases', () => {
    assert.deepEqual(iso(nextRuns('*/15 * * * * *', 'UTC', new Date('2026-01-01T00:00:00Z'), 2)), ['2026-01-01T00:00:15.000Z', '2026-01-01T00:00:30.000Z']);
    assert.deepEqual(iso(nextRuns('@daily', 'UTC', new Date('2026-01-01T10:00:00Z'), 1)), ['2026-01-02T00:00:00.000Z']);
    assert.equal(cronProblem('0 3 * * 1-5', 'UTC'), null);
  });

  it('names what is wrong with a bad expression or zone', () => {
    assert.match(cronProblem('61 * * * *', 'UTC') ?? '', /got value 61 expected range 0-59/);
    assert.match(cronProblem('0 0 31 2 *', 'UTC') ?? '', /Invalid explicit day of month/);
    assert.match(cronProblem('1 2 3 4 5 6 7', 'UTC') ?? '', /too many fields/);
    assert.match(cronProblem('every day', 'UTC') ?? '', /.+/);
    assert.equal(cronProblem('  ', 'UTC'), 'the cron expression is empty');
    assert.equal(cronProblem('0 2 * * *', 'Mars/Olympus'), 'unknown time zone "Mars/Olympus"');
  });

  it('canonicalises time zone names', () => {
    assert.equal(canonicalTimeZone('europe/amsterdam'), 'Europe/Amsterdam');
    assert.equal(canonicalTimeZone('UTC'), 'UTC');
    assert.equal(canonicalTimeZone('Nowhere/Special'), null);
    assert.equal(canonicalTimeZone(''), null);
  });

  it('puts a moment into the nearest slot, before or after it', () => {
    const daily = (at: string) => nearestRun('0 2 * * *', 'UTC', new Date(at)).toISOString();
    assert.equal(daily('2026-01-10T02:00:00Z'), '2026-01-10T02:00:00.000Z');
    assert.equal(daily('2026-01-10T02:00:07Z'), '2026-01-10T02:00:00.000Z');
    assert.equal(daily('2026-01-10T01:59:55Z'), '2026-01-10T02:00:00.000Z');
    assert.equal(daily('2026-01-10T13:59:00Z'), '2026-01-10T02:00:00.000Z');
    assert.equal(daily('2026-01-10T14:01:00Z'), '2026-01-11T02:00:00.000Z');
    const amsterdam = nearestRun('0 2 * * *', 'Europe/Amsterdam', new Date('2026-07-01T00:00:30Z'));
    assert.equal(amsterdam.toISOString(), '2026-07-01T00:00:00.000Z');
  });
});
