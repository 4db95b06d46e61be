import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { bytesSize, createdAgo, humanDuration, humanSize, humanSizeWithPrecision, statusText } from './units.js';

const now = new Date('2024-05-01T12:00:00Z');
const ago = (ms: number): Date => new Date(now.getTime() - ms);

describe('humanSize', () => {
  it('prints decimal units with four significant digits and no space', () => {
    assert.deepEqual([0, 999, 1000, 45_600, 1_234_567, 1.2e6, 5e9].map(humanSize), ['0B', '999B', '1kB', '45.6kB', '1.235MB', '1.2MB', '5GB']);
  });

  it('rounds up to 1000 of a unit rather than switching unit, as go-units does', () => {
    assert.equal(humanSize(999_999), '1000kB');
  });

  it("uses three digits for docker ps sizes, with Go's exponent form at the edge", () => {
    assert.equal(humanSizeWithPrecision(2_746_000, 3), '2.75MB');
    assert.equal(humanSizeWithPrecision(999_900, 3), '1e+03kB');
  });
});

describe('bytesSize', () => {
  it('prints binary units', () => {
    assert.deepEqual([0, 1023, 1024, 1_572_864, 10 * 1024 ** 3].map(bytesSize), ['0B', '1023B', '1KiB', '1.5MiB', '10GiB']);
  });
});

describe('humanDuration', () => {
  it('follows go-units at every boundary', () => {
    const cases: Array<[number, string]> = [
      [999, 'Less than a second'],
      [1000, '1 second'],
      [5000, '5 seconds'],
      [59_999, '59 seconds'],
      [60_000, 'About a minute'],
      [119_999, 'About a minute'],
      [120_000, '2 minutes'],
      [3_599_999, '59 minutes'],
      [3_600_000, 'About an hour'],
      [5_399_999, 'About an hour'],
      [5_400_000, '2 hours'],
      [47 * 3.6e6, '47 hours'],
      [48 * 3.6e6, '2 days'],
      [13 * 86.4e6, '13 days'],
      [14 * 86.4e6, '2 weeks'],
      [59 * 86.4e6, '8 weeks'],
      [60 * 86.4e6, '2 months'],
      [729 * 86.4e6, '24 months'],
      [730 * 86.4e6, '2 years'],
    ];
    for (const [ms, text] of cases) assert.equal(humanDuration(ms), text, `${ms} ms`);
  });

  it('treats negative durations (clock skew) as less than a second', () => {
    assert.equal(humanDuration(-10_000), 'Less than a second');
  });
});

describe('createdAgo', () => {
  it('adds "ago" to the human duration', () => {
    assert.equal(createdAgo(ago(120_000), now), '2 minutes ago');
  });
});

describe('statusText', () => {
  const base = { exitCode: 0, startedAt: ago(5000), finishedAt: undefined, now };

  it('describes a running container by its uptime', () => {
    assert.equal(statusText({ ...base, status: 'running' }), 'Up 5 seconds');
  });

  it('marks a paused container', () => {
    assert.equal(statusText({ ...base, status: 'paused', startedAt: ago(120_000) }), 'Up 2 minutes (Paused)');
    assert.equal(statusText({ ...base, status: 'running', paused: true, startedAt: ago(120_000) }), 'Up 2 minutes (Paused)');
  });

  it('shows the health of a running container', () => {
    assert.equal(statusText({ ...base, status: 'running', health: 'healthy' }), 'Up 5 seconds (healthy)');
    assert.equal(statusText({ ...base, status: 'running', health: 'starting' }), 'Up 5 seconds (health: starting)');
  });

  it('describes an exited container by its exit code and end time', () => {
    assert.equal(statusText({ ...base, status: 'exited', exitCode: 0, finishedAt: ago(3000) }), 'Exited (0) 3 seconds ago');
    assert.equal(statusText({ ...base, status: 'exited', exitCode: 137, finishedAt: ago(3 * 3.6e6) }), 'Exited (137) 3 hours ago');
  });

  it('describes a restarting container by its last exit', () => {
    assert.equal(statusText({ ...base, status: 'restarting', exitCode: 1, finishedAt: ago(2000) }), 'Restarting (1) 2 seconds ago');
  });

  it('says Created for a container never started, whatever the zero time looks like', () => {
    for (const startedAt of [undefined, new Date(NaN), new Date(0), new Date('0001-01-01T00:00:00Z')]) {
      assert.equal(statusText({ ...base, status: 'created', startedAt }), 'Created');
    }
  });

  it('names dead and removing containers', () => {
    assert.equal(statusText({ ...base, status: 'dead' }), 'Dead');
    assert.equal(statusText({ ...base, status: 'removing' }), 'Removal In Progress');
  });

  it('is empty for a stopped container with no end time, as the daemon is', () => {
    assert.equal(statusText({ ...base, status: 'exited', finishedAt: undefined }), '');
  });
});
