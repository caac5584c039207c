import assert from 'node:assert/strict';
import { ProgressDisplay } from '../../services/cli/progress-display';

/** Just enough of a WriteStream to capture what the display writes. */
function fakeStream(isTTY: boolean) {
  const writes: string[] = [];
  return { stream: { isTTY, write: (s: string) => writes.push(s) } as unknown as NodeJS.WriteStream, writes };
}

describe('CLI progress display', () => {
  it('draws a bar with percent, bytes, rate and ETA on a terminal, and clears it when done', () => {
    const { stream, writes } = fakeStream(true);
    let clock = 1_000_000;
    const display = new ProgressDisplay('backup', stream, () => clock);
    clock += 4_000;
    display.update({ stage: 'dumping', percent: 40, bytes: 40 * 1024 * 1024, totalBytes: 100 * 1024 * 1024 });
    assert.deepEqual(writes, ['\r\x1b[2Kbackup dumping  [##########..............]   40%  40.0 MiB  10.0 MiB/s  ETA 0:06']);
    clock += 100;
    display.update({ stage: 'dumping', percent: 41, bytes: 41 * 1024 * 1024 });
    assert.equal(writes.length, 1, 'redrawn at most every 200 ms');
    display.done();
    assert.equal(writes.at(-1), '\r\x1b[2K');
  });

  it('writes plain lines without control characters when not on a terminal', () => {
    const { stream, writes } = fakeStream(false);
    let clock = 0;
    const display = new ProgressDisplay('verify', stream, () => clock);
    clock = 1000;
    display.update({ stage: 'decoding', percent: 10, bytes: 1000 });
    display.update({ stage: 'decoding', percent: 11, bytes: 1100 });
    display.update({ stage: 'decoded', percent: 100, bytes: 5000 });
    assert.equal(writes.length, 2, 'one line per stage (and every 10 s), not one per update');
    for (const line of writes) {
      assert.ok(line.endsWith('\n'));
      assert.equal(line.includes('\r') || line.includes('\u001b'), false, 'no carriage return or escape code');
    }
    assert.equal(writes[1], 'verify decoded  100%  4.9 KiB  4.9 KiB/s\n');
  });
});
