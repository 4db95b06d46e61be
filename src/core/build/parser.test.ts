import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ContainerfileSyntaxError } from './containerfile-syntax-error.js';
import type { Instruction } from './instructions.js';
import { parseContainerfile } from './parser.js';

const parse = (text: string) => parseContainerfile(text, 'Containerfile');
const only = (text: string): Instruction => {
  const ins = parse(`FROM busybox\n${text}`).instructions;
  assert.equal(ins.length, 2);
  return ins[1] as Instruction;
};
const syntaxError = (text: string, line: number, re: RegExp) => {
  assert.throws(
    () => parse(text),
    (e: unknown) => {
      assert.ok(e instanceof ContainerfileSyntaxError, String(e));
      assert.equal(e.line, line);
      assert.match(e.message, re);
      assert.match(e.message, /^Containerfile:\d+: /);
      return true;
    },
  );
};

test('parseContainerfile() reads FROM with AS and --platform', () => {
  const cf = parse('from --platform=linux/amd64 busybox:1 AS Build\nFROM build\n');
  assert.deepEqual(
    cf.instructions.map((i) => i.kind),
    ['FROM', 'FROM'],
  );
  const f = cf.instructions[0] as Extract<Instruction, { kind: 'FROM' }>;
  assert.equal(f.image, 'busybox:1');
  assert.equal(f.stageName, 'build');
  assert.equal(f.flags['platform'], 'linux/amd64');
  syntaxError('FROM a b\n', 1, /FROM requires either one or three arguments/);
});

test('RUN, CMD and ENTRYPOINT take exec (JSON) and shell forms', () => {
  assert.deepEqual((only('RUN ["echo", "a b"]') as { command: unknown }).command, { json: ['echo', 'a b'] });
  assert.deepEqual((only('RUN echo "a b"') as { command: unknown }).command, { shell: 'echo "a b"' });
  // not valid JSON: docker falls back to shell form
  assert.deepEqual((only('CMD [echo, hi]') as { command: unknown }).command, { shell: '[echo, hi]' });
  assert.deepEqual((only('ENTRYPOINT ["sh"]') as { command: unknown }).command, { json: ['sh'] });
  const run = only('RUN --network=none true');
  assert.equal(run.flags['network'], 'none');
});

test('line continuations join lines and drop comment and empty lines inside them', () => {
  const cf = parse('FROM busybox\nRUN echo a \\\n# a comment\n\n  && echo b\nCMD x\n');
  const run = cf.instructions[1] as Extract<Instruction, { kind: 'RUN' }>;
  assert.deepEqual(run.command, { shell: 'echo a   && echo b' });
  assert.equal(run.line, 2);
  assert.equal(cf.instructions[2]?.line, 6);
});

test('comments and blank lines are skipped; instruction words are case-insensitive', () => {
  const cf = parse('# hello\n\nfrom busybox\n   # indented comment\nrun true\n');
  assert.deepEqual(
    cf.instructions.map((i) => i.kind),
    ['FROM', 'RUN'],
  );
});

test('the escape directive switches the continuation and escape character', () => {
  const cf = parse('# escape=`\nFROM busybox\nRUN dir c:\\ `\n  && echo ok\n');
  assert.equal(cf.escape, '`');
  assert.deepEqual((cf.instructions[1] as { command: unknown }).command, { shell: 'dir c:\\   && echo ok' });
  // a directive after the first instruction is a comment
  assert.equal(parse('FROM busybox\n# escape=`\n').escape, '\\');
  syntaxError('# escape=x\nFROM a\n', 1, /invalid escape token/);
});

test('the syntax directive is recorded and unknown directives are comments', () => {
  const cf = parse('# syntax=docker/dockerfile:1\n# foo=bar\nFROM a\n');
  assert.equal(cf.syntax, 'docker/dockerfile:1');
});

test('heredocs: RUN script, COPY inline files, <<- strips tabs, quoted names do not expand', () => {
  const cf = parse('FROM a\nRUN <<EOF\necho one\necho two\nEOF\nCOPY <<-"A" <<B /dst/\n\tx $V\n\tA\ny\nB\nCMD done\n');
  const run = cf.instructions[1] as Extract<Instruction, { kind: 'RUN' }>;
  assert.deepEqual(run.heredocs, [{ name: 'EOF', content: 'echo one\necho two\n', expand: true }]);
  const copy = cf.instructions[2] as Extract<Instruction, { kind: 'COPY' | 'ADD' }>;
  assert.deepEqual(copy.sources, ['<<-"A"', '<<B']);
  assert.equal(copy.dest, '/dst/');
  assert.deepEqual(copy.heredocs, [
    { name: 'A', content: 'x $V\n', expand: false },
    { name: 'B', content: 'y\n', expand: true },
  ]);
  assert.equal(cf.instructions[3]?.kind, 'CMD');
  assert.equal(cf.instructions[3]?.line, 11);
  syntaxError('FROM a\nRUN <<EOF\necho\n', 2, /unterminated heredoc "EOF"/);
});

test('COPY and ADD take flags, globs and the JSON form', () => {
  const c = only('COPY --from=build --chown=1:2 --chmod=0755 a* "b c" /dst/') as Extract<Instruction, { kind: 'COPY' | 'ADD' }>;
  assert.deepEqual(c.flags, { from: 'build', chown: '1:2', chmod: '0755' });
  assert.deepEqual(c.sources, ['a*', '"b c"']);
  const j = only('ADD ["a b", "/x y"]') as Extract<Instruction, { kind: 'COPY' | 'ADD' }>;
  assert.deepEqual([j.sources, j.dest], [['a b'], '/x y']);
  syntaxError('FROM a\nCOPY onlyone\n', 2, /COPY requires at least two arguments/);
  syntaxError('FROM a\nCOPY --bogus=1 a b\n', 2, /unknown flag: --bogus/);
});

test('ENV and LABEL take key=value pairs and the legacy one-pair form', () => {
  assert.deepEqual((only('ENV A=1 B="two words" C=') as { pairs: unknown }).pairs, [
    ['A', '1'],
    ['B', '"two words"'],
    ['C', ''],
  ]);
  assert.deepEqual((only('ENV PATH /usr/bin:/bin  ') as { pairs: unknown }).pairs, [['PATH', '/usr/bin:/bin']]);
  assert.deepEqual((only('LABEL "com.x y"=z') as { pairs: unknown }).pairs, [['"com.x y"', 'z']]);
  syntaxError('FROM a\nENV A=1 B\n', 2, /can't find = in "B"/);
  syntaxError('FROM a\nLABEL\n', 2, /LABEL requires at least one argument/);
});

test('ARG with and without defaults, before FROM and in a stage', () => {
  const cf = parse('ARG V=1 W\nFROM a:${V}\nARG X="y z"\n');
  assert.deepEqual((cf.instructions[0] as { args: unknown }).args, [{ name: 'V', value: '1' }, { name: 'W' }]);
  assert.deepEqual((cf.instructions[2] as { args: unknown }).args, [{ name: 'X', value: '"y z"' }]);
  syntaxError('FROM a\nARG 1x\n', 2, /invalid ARG name/);
});

test('WORKDIR, USER, STOPSIGNAL, MAINTAINER keep the rest of the line', () => {
  assert.equal((only('WORKDIR /a b') as { value: string }).value, '/a b');
  assert.equal((only('USER app:app') as { value: string }).value, 'app:app');
  assert.equal((only('STOPSIGNAL SIGKILL') as { value: string }).value, 'SIGKILL');
  assert.equal((only('MAINTAINER me <me@x>') as { value: string }).value, 'me <me@x>');
  syntaxError('FROM a\nWORKDIR\n', 2, /WORKDIR requires exactly one argument/);
});

test('EXPOSE and VOLUME take words; VOLUME also JSON', () => {
  assert.deepEqual((only('EXPOSE 80 53/udp') as { values: unknown }).values, ['80', '53/udp']);
  assert.deepEqual((only('VOLUME ["/a", "/b c"]') as { values: unknown }).values, ['/a', '/b c']);
  assert.deepEqual((only('VOLUME /a /b') as { values: unknown }).values, ['/a', '/b']);
});

test('SHELL must be JSON', () => {
  assert.deepEqual((only('SHELL ["/bin/bash", "-c"]') as { shell: unknown }).shell, ['/bin/bash', '-c']);
  syntaxError('FROM a\nSHELL /bin/bash -c\n', 2, /SHELL requires the arguments to be in JSON form/);
});

test('HEALTHCHECK NONE and CMD with flags', () => {
  assert.equal((only('HEALTHCHECK NONE') as { test: unknown }).test, 'NONE');
  const h = only('HEALTHCHECK --interval=5s --retries=3 CMD curl -f http://x/');
  assert.deepEqual((h as { test: unknown }).test, { shell: 'curl -f http://x/' });
  assert.deepEqual(h.flags, { interval: '5s', retries: '3' });
  syntaxError('FROM a\nHEALTHCHECK echo\n', 2, /HEALTHCHECK requires NONE or CMD/);
});

test('ONBUILD holds a parsed trigger and refuses ONBUILD, FROM and MAINTAINER', () => {
  const o = only('ONBUILD run echo hi') as Extract<Instruction, { kind: 'ONBUILD' }>;
  assert.equal(o.trigger.kind, 'RUN');
  assert.equal(o.text, 'run echo hi');
  syntaxError('FROM a\nONBUILD ONBUILD RUN x\n', 2, /chaining ONBUILD/);
  syntaxError('FROM a\nONBUILD FROM b\n', 2, /FROM isn't allowed as an ONBUILD trigger/);
});

test('an unknown instruction is an error with file, line, column and the instruction', () => {
  assert.throws(
    () => parseContainerfile('FROM a\n  FORM b\n', 'sub/Dockerfile'),
    (e: unknown) => {
      assert.ok(e instanceof ContainerfileSyntaxError);
      assert.equal(e.file, 'sub/Dockerfile');
      assert.equal(e.line, 2);
      assert.equal(e.column, 3);
      assert.equal(e.instruction, 'FORM b');
      assert.equal(e.message, 'sub/Dockerfile:2: unknown instruction: FORM: "FORM b"');
      assert.equal(e.kind, 'InvalidArgument');
      return true;
    },
  );
});

test('RUN --mount repeats, one value per line; RUN --security is refused rather than ignored', () => {
  const run = only('RUN --mount=type=cache,target=/x --mount=type=tmpfs,target=/t --network=none true') as { flags: Record<string, string> };
  assert.equal(run.flags['mount'], 'type=cache,target=/x\ntype=tmpfs,target=/t');
  assert.equal(run.flags['network'], 'none');
  syntaxError('FROM a\nRUN --security=insecure true\n', 2, /RUN --security is not supported/);
});

test('CRLF line endings and a byte order mark are accepted', () => {
  const cf = parse('\uFEFFFROM a\r\nRUN x \\\r\n  y\r\n');
  assert.deepEqual((cf.instructions[1] as { command: unknown }).command, { shell: 'x   y' });
});
