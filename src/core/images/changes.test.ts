import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { BerthError } from '../errors/index.js';
import { applyChanges, splitWords } from './changes.js';

describe('applyChanges', () => {
  test('CMD and ENTRYPOINT take the exec form as given and wrap the shell form', () => {
    assert.deepEqual(applyChanges({}, ['CMD ["sh", "-c", "echo hi"]']).Cmd, ['sh', '-c', 'echo hi']);
    assert.deepEqual(applyChanges({}, ['CMD echo "hi there"']).Cmd, ['/bin/sh', '-c', 'echo "hi there"']);
    assert.deepEqual(applyChanges({}, ['ENTRYPOINT ["/bin/busybox"]']).Entrypoint, ['/bin/busybox']);
    assert.deepEqual(applyChanges({}, ['entrypoint [not json']).Entrypoint, ['/bin/sh', '-c', '[not json']);
  });

  test("ENTRYPOINT drops the inherited CMD unless a CMD change came first, as docker's builder", () => {
    assert.equal(applyChanges({ Cmd: ['sh'] }, ['ENTRYPOINT ["/bin/echo"]']).Cmd, undefined);
    assert.deepEqual(applyChanges({ Cmd: ['sh'] }, ['CMD ["hi"]', 'ENTRYPOINT ["/bin/echo"]']).Cmd, ['hi']);
    assert.deepEqual(applyChanges({ Cmd: ['sh'] }, ['ENTRYPOINT ["/bin/echo"]', 'CMD ["hi"]']).Cmd, ['hi']);
    assert.deepEqual(applyChanges({ Cmd: ['sh'] }, ['ENV A=1']).Cmd, ['sh']);
  });

  test('ENV accepts key=value pairs with quotes and the legacy single form, replacing earlier values', () => {
    const cfg = applyChanges({ Env: ['A=old', 'PATH=/bin'] }, ['ENV A=1 B="two words" C=a\\ b', 'ENV D some value']);
    // a replaced variable keeps its place, as docker's builder
    assert.deepEqual(cfg.Env, ['A=1', 'PATH=/bin', 'B=two words', 'C=a b', 'D=some value']);
  });

  test('LABEL, EXPOSE, VOLUME, USER, STOPSIGNAL and ONBUILD set their fields', () => {
    const cfg = applyChanges({}, [
      'LABEL a=b "c d"=e',
      'EXPOSE 80 53/udp 8000-8001/TCP',
      'VOLUME /data /cache',
      'VOLUME ["/json"]',
      'USER nobody:nogroup',
      'STOPSIGNAL SIGQUIT',
      'ONBUILD RUN true',
    ]);
    assert.deepEqual(cfg.Labels, { a: 'b', 'c d': 'e' });
    assert.deepEqual(cfg.ExposedPorts, { '80/tcp': {}, '53/udp': {}, '8000-8001/tcp': {} });
    assert.deepEqual(cfg.Volumes, { '/data': {}, '/cache': {}, '/json': {} });
    assert.equal(cfg.User, 'nobody:nogroup');
    assert.equal(cfg.StopSignal, 'SIGQUIT');
    assert.deepEqual(cfg.OnBuild, ['RUN true']);
  });

  test('WORKDIR resolves relative paths against the previous one', () => {
    assert.equal(applyChanges({}, ['WORKDIR /app', 'WORKDIR src', 'WORKDIR ../lib']).WorkingDir, '/app/lib');
  });

  test('the base config is not modified', () => {
    const base = { Env: ['A=1'] };
    applyChanges(base, ['ENV A=2']);
    assert.deepEqual(base, { Env: ['A=1'] });
  });

  test('unsupported instructions and malformed arguments are InvalidArgument', () => {
    const cases: Array<[string, RegExp]> = [
      ['RUN echo', /"RUN" is not a valid change command/],
      ['FROM scratch', /"FROM" is not a valid change command/],
      ['CMD', /CMD requires an argument/],
      ['EXPOSE http', /invalid port "http"/],
      ['ENV =x', /expected key=value/],
      ['ENV A="unterminated', /unterminated quote/],
    ];
    for (const [change, re] of cases) {
      assert.throws(
        () => applyChanges({}, [change]),
        (e: unknown) => e instanceof BerthError && e.kind === 'InvalidArgument' && re.test(e.message),
        change,
      );
    }
  });
});

describe('splitWords', () => {
  test('splits on blanks and honours quotes and escapes', () => {
    assert.deepEqual(splitWords(`a "b c" 'd e' f\\ g ""`), ['a', 'b c', 'd e', 'f g', '']);
    assert.deepEqual(splitWords('  '), []);
  });
});

describe('splitWords is the build lexer without variables', () => {
  test('a backslash in double quotes escapes only " $ and itself, as docker\'s lexer; $ stays', () => {
    assert.deepEqual(splitWords(`"a\\b" "c\\"d" "\\$X" $Y`), ['a\\b', 'c"d', '$X', '$Y']);
  });
});
