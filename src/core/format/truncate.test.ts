import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { commandLine, ellipsis, formatPorts, shortId, truncateCommand } from './truncate.js';

describe('shortId', () => {
  it('keeps twelve characters and drops a digest algorithm', () => {
    const id = '90435eec5c4e124e741ef731e118be2fc799a68aba0466ec17717f24ce2ae6a2';
    assert.equal(shortId(id), '90435eec5c4e');
    assert.equal(shortId(`sha256:${id}`), '90435eec5c4e');
    assert.equal(shortId('1234'), '1234');
    assert.equal(shortId(''), '');
  });
});

describe('truncateCommand', () => {
  it('quotes a command that fits in twenty columns', () => {
    assert.equal(truncateCommand("sh -c 'sleep 1000'"), '"sh -c \'sleep 1000\'"');
  });

  it('cuts a longer command to nineteen characters and an ellipsis, quotes not counted', () => {
    assert.equal(truncateCommand('/docker-entrypoint.sh nginx -g daemon off;'), '"/docker-entrypoint.…"');
  });

  it('quotes without cutting when given no width (--no-trunc)', () => {
    assert.equal(truncateCommand('echo "a\tb"', undefined), '"echo \\"a\\tb\\""');
  });

  it('counts wide characters as two columns', () => {
    assert.equal(truncateCommand('echo 日本語のテキストです', 12), '"echo 日本語…"');
  });
});

describe('ellipsis', () => {
  it('handles the degenerate widths as docker does', () => {
    assert.equal(ellipsis('abc', 0), '');
    assert.equal(ellipsis('abc', 1), 'a');
    assert.equal(ellipsis('', 1), '');
    assert.equal(ellipsis('abc', 2), 'a…');
  });

  it('cuts text of one-column characters at the width, accents and the last narrow character included', () => {
    assert.equal(ellipsis('abcdefghij', 10), 'abcdefghij');
    assert.equal(ellipsis('abcdefghijk', 10), 'abcdefghi…');
    assert.equal(ellipsis('héllo wörld', 6), 'héllo…');
    assert.equal(ellipsis('a\tb', 3), 'a\tb');
    assert.equal(ellipsis('\u10ffab', 3), '\u10ffab');
    // U+1100 is the first wide character: two columns
    assert.equal(ellipsis('\u1100ab', 3), '\u1100…');
    assert.equal(ellipsis('😀ab', 3), '😀…');
  });
});

describe('truncateCommand quoting', () => {
  it('escapes quotes, backslashes and control characters, keeps printable non-ASCII', () => {
    assert.equal(truncateCommand('a"b\\c', null), '"a\\"b\\\\c"');
    assert.equal(truncateCommand('x\u007fy', null), '"x\\x7fy"');
    assert.equal(truncateCommand('héllo', null), '"héllo"');
    assert.equal(truncateCommand('sleep 7200', null), '"sleep 7200"');
  });
});

describe('commandLine', () => {
  it('joins path and arguments, quoting arguments that contain a space', () => {
    assert.equal(commandLine('sh', ['-c', 'sleep 1000']), "sh -c 'sleep 1000'");
    assert.equal(commandLine('/bin/true', []), '/bin/true');
  });
});

describe('formatPorts', () => {
  it('lists IPv4 and IPv6 publications of one port', () => {
    assert.equal(
      formatPorts([
        { hostIp: '::', hostPort: 8080, containerPort: 80, protocol: 'tcp' },
        { hostIp: '0.0.0.0', hostPort: 8080, containerPort: 80, protocol: 'tcp' },
      ]),
      '0.0.0.0:8080->80/tcp, [::]:8080->80/tcp',
    );
  });

  it('groups consecutive exposed ports and same-port publications into ranges', () => {
    assert.equal(
      formatPorts([
        { containerPort: 9988, protocol: 'tcp' },
        { containerPort: 9989, protocol: 'tcp' },
        { hostIp: '0.0.0.0', hostPort: 5000, containerPort: 5000, protocol: 'udp' },
        { hostIp: '0.0.0.0', hostPort: 5001, containerPort: 5001, protocol: 'udp' },
      ]),
      '0.0.0.0:5000-5001->5000-5001/udp, 9988-9989/tcp',
    );
  });

  it('treats an empty host address as an exposed port and is empty for no ports', () => {
    assert.equal(formatPorts([{ hostIp: '', hostPort: 0, containerPort: 53, protocol: 'udp' }]), '53/udp');
    assert.equal(formatPorts([]), '');
  });

  it('writes IPv6 addresses in their canonical short form', () => {
    assert.equal(formatPorts([{ hostIp: '2001:DB8:0:0:0:0:0:1', hostPort: 1, containerPort: 2, protocol: 'tcp' }]), '[2001:db8::1]:1->2/tcp');
  });
});
