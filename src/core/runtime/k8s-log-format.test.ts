import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatLogTime, LogRenderer, parseLogChunk, parseLogRecord, parseLogTime, type LogPiece } from './k8s-log-format.js';

const LOG = [
  '2026-11-29T10:00:36.407811429+00:00 stdout F line1',
  '2026-11-29T10:00:36.500000000+00:00 stdout P partial',
  '2026-11-29T10:00:37.000000000+00:00 stderr F to-stderr',
  '2026-11-29T10:00:37.409173213+00:00 stdout F  end',
  '2026-11-29T10:00:38.000000001+00:00 stdout F ',
  '2026-11-29T10:00:39.100000000+00:00 stdout F last',
  '',
].join('\n');

function text(pieces: LogPiece[], stream?: 'stdout' | 'stderr'): string {
  return Buffer.concat(pieces.filter((p) => stream === undefined || p.stream === stream).map((p) => p.data)).toString();
}

describe('parseLogTime() and formatLogTime()', () => {
  it("keeps nanoseconds and converts an offset to UTC in docker's fixed format", () => {
    const t = parseLogTime('2026-11-29T12:00:36.407811429+02:00');
    assert.deepEqual(t, { seconds: Date.UTC(2026, 10, 29, 10, 0, 36) / 1000, nanos: 407811429 });
    assert.equal(formatLogTime(t!), '2026-11-29T10:00:36.407811429Z');
    assert.equal(formatLogTime(parseLogTime('2026-11-29T10:00:36.5Z')!), '2026-11-29T10:00:36.500000000Z');
  });

  it('rejects text that is not RFC 3339', () => {
    assert.equal(parseLogTime('yesterday'), null);
    assert.equal(parseLogTime('2026-11-29 10:00:36Z'), null);
  });
});

describe('parseLogRecord()', () => {
  it('splits time, stream, tag and data, keeping leading spaces of the data', () => {
    const r = parseLogRecord(Buffer.from('2026-11-29T10:00:37.409173213+00:00 stdout F  end'));
    assert.equal(r?.stream, 'stdout');
    assert.equal(r?.partial, false);
    assert.equal(r?.data.toString(), ' end');
  });

  it('accepts an empty line with or without the space after the tag', () => {
    assert.equal(parseLogRecord(Buffer.from('2026-11-29T10:00:38Z stderr F '))?.data.length, 0);
    assert.equal(parseLogRecord(Buffer.from('2026-11-29T10:00:38Z stderr F'))?.data.length, 0);
  });

  it('returns null for lines that are not records', () => {
    assert.equal(parseLogRecord(Buffer.from('garbage')), null);
    assert.equal(parseLogRecord(Buffer.from('2026-11-29T10:00:38Z stdin F x')), null);
    assert.equal(parseLogRecord(Buffer.from('2026-11-29T10:00:38Z stdout X x')), null);
  });
});

describe('parseLogChunk()', () => {
  it('leaves an unfinished last line for the next read', () => {
    const buf = Buffer.from(`${LOG}2026-11-29T10:00:40Z stdout F unfin`);
    const { records, used } = parseLogChunk(buf);
    assert.equal(records.length, 6);
    assert.equal(buf.subarray(used).toString(), '2026-11-29T10:00:40Z stdout F unfin');
  });
});

describe('LogRenderer', () => {
  const records = parseLogChunk(Buffer.from(LOG)).records;

  it('joins partial records with the next record of the same stream', () => {
    const pieces = new LogRenderer({ timestamps: false }).render(records);
    assert.equal(text(pieces, 'stdout'), 'line1\npartial end\n\nlast\n');
    assert.equal(text(pieces, 'stderr'), 'to-stderr\n');
  });

  it('prints one timestamp per line, the time of its first record', () => {
    const pieces = new LogRenderer({ timestamps: true }).render(records);
    assert.equal(
      text(pieces, 'stdout'),
      '2026-11-29T10:00:36.407811429Z line1\n2026-11-29T10:00:36.500000000Z partial end\n2026-11-29T10:00:38.000000001Z \n2026-11-29T10:00:39.100000000Z last\n',
    );
  });

  it('counts a line made of partials once for tail', () => {
    const r = new LogRenderer({ timestamps: false });
    assert.equal(text(r.render(records, 3)), 'to-stderr\n\nlast\n');
    const r2 = new LogRenderer({ timestamps: false });
    assert.equal(text(r2.render(records, 4), 'stdout'), 'partial end\n\nlast\n');
    assert.equal(text(new LogRenderer({ timestamps: false }).render(records, 0)), '');
  });

  it('filters lines by since and until, inclusive, by their first record', () => {
    const since = new Date('2026-11-29T10:00:36.500Z');
    const until = new Date('2026-11-29T10:00:38Z');
    const pieces = new LogRenderer({ timestamps: false, since, until }).render(records);
    assert.equal(text(pieces, 'stdout'), 'partial end\n');
    assert.equal(text(pieces, 'stderr'), 'to-stderr\n');
  });

  it('applies tail after since', () => {
    const since = new Date('2026-11-29T10:00:37Z');
    assert.equal(text(new LogRenderer({ timestamps: false, since }).render(records, 2)), '\nlast\n');
  });

  it('carries an open line over to the next batch, with its decision', () => {
    const r = new LogRenderer({ timestamps: true });
    const first = parseLogChunk(Buffer.from('2026-11-29T10:00:36Z stdout P abc\n')).records;
    const second = parseLogChunk(Buffer.from('2026-11-29T10:00:37Z stdout F def\n2026-11-29T10:00:38Z stdout F ghi\n')).records;
    assert.equal(text(r.render(first)), '2026-11-29T10:00:36.000000000Z abc');
    assert.equal(text(r.render(second, 1)), 'def\n2026-11-29T10:00:38.000000000Z ghi\n');
  });

  it('keeps a character split across records whole', () => {
    const euro = Buffer.from('€');
    const buf = Buffer.concat([
      Buffer.from('2026-11-29T10:00:36Z stdout P '),
      euro.subarray(0, 1),
      Buffer.from('\n'),
      Buffer.from('2026-11-29T10:00:36Z stdout F '),
      euro.subarray(1),
      Buffer.from('\n'),
    ]);
    assert.equal(text(new LogRenderer({ timestamps: false }).render(parseLogChunk(buf).records)), '€\n');
  });

  it('--details puts the (empty) attribute list, a space, after the timestamp and before each line', () => {
    const recs = parseLogChunk(
      Buffer.from('2024-01-02T03:04:05.000000001Z stdout F hello\n2024-01-02T03:04:05.000000002Z stderr P par\n2024-01-02T03:04:05.000000003Z stderr F tial\n'),
    ).records;
    assert.equal(text(new LogRenderer({ timestamps: false, details: true }).render(recs)), ' hello\n partial\n');
    assert.equal(text(new LogRenderer({ timestamps: true, details: true }).render(recs.slice(0, 1))), '2024-01-02T03:04:05.000000001Z  hello\n');
  });
});
