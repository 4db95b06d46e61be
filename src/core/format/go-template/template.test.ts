import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BerthError } from '../../errors/index.js';
import { templateFunction } from './functions.js';
import { goStruct } from './go-values.js';
import { compileTemplate, parseGoTemplate, renderTemplate } from './template.js';

const inspect = {
  Id: 'f0e1d2c3b4a5',
  Name: '/web',
  Args: ['-g', 'daemon off;'],
  State: { Status: 'running', Running: true, ExitCode: 0, Health: null },
  Config: {
    Labels: { 'com.x': 'yes', 'a.b': 'c', maintainer: 'me <me@x.org>' },
    Env: ['PATH=/usr/bin', 'A=1'],
    Cmd: ['nginx', '-g', 'daemon off;'],
  },
  Mounts: [
    { Type: 'volume', Source: '/var/lib/berth/volumes/data', Destination: '/data' },
    { Type: 'bind', Source: '/srv', Destination: '/srv' },
  ],
  NetworkSettings: { Ports: { '80/tcp': [{ HostIp: '0.0.0.0', HostPort: '8080' }], '443/tcp': null } },
};

/** The BerthError a call throws, for asserting on its kind and Go-style message. */
function errorOf(fn: () => unknown): BerthError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof BerthError, `expected a BerthError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected an error');
}

describe('renderTemplate', () => {
  it('follows a chain of fields', () => {
    assert.equal(renderTemplate('{{.State.Status}}', inspect), 'running');
  });

  it('prints a map like Go, with sorted keys', () => {
    assert.equal(renderTemplate('{{.Config.Labels}}', inspect), 'map[a.b:c com.x:yes maintainer:me <me@x.org>]');
  });

  it('prints dot, slices, booleans and numbers as Go does', () => {
    assert.equal(renderTemplate('{{.}}', [1, 'a', true, 2.5, null]), '[1 a true 2.5 <nil>]');
    assert.equal(renderTemplate('{{.State.Running}} {{.State.ExitCode}}', inspect), 'true 0');
  });

  it('prints <no value> for a missing key and a null value', () => {
    assert.equal(renderTemplate('{{.Nope}}|{{.State.Health}}|{{.Config.Labels.nope}}', inspect), '<no value>|<no value>|<no value>');
  });

  it('encodes json compactly without HTML escaping, as docker does', () => {
    assert.equal(renderTemplate('{{json .Config.Cmd}}', inspect), '["nginx","-g","daemon off;"]');
    assert.equal(renderTemplate('{{json .Config.Labels.maintainer}}', inspect), '"me <me@x.org>"');
    assert.equal(renderTemplate('{{json .State}}', inspect), '{"Status":"running","Running":true,"ExitCode":0,"Health":null}');
  });

  it('ranges over a slice', () => {
    assert.equal(renderTemplate('{{range .Mounts}}{{.Source}} {{end}}', inspect), '/var/lib/berth/volumes/data /srv ');
  });

  it('ranges over a map with key and value variables in key order', () => {
    assert.equal(renderTemplate('{{range $k, $v := .Config.Labels}}{{$k}}={{$v}};{{end}}', inspect), 'a.b=c;com.x=yes;maintainer=me <me@x.org>;');
  });

  it('indexes maps by keys that are not identifiers', () => {
    assert.equal(renderTemplate('{{index .Config.Labels "com.x"}}', inspect), 'yes');
    assert.equal(renderTemplate('{{index .NetworkSettings.Ports "80/tcp"}}', inspect), '[map[HostIp:0.0.0.0 HostPort:8080]]');
    assert.equal(renderTemplate('{{(index (index .NetworkSettings.Ports "80/tcp") 0).HostPort}}', inspect), '8080');
  });

  it('chooses the branch of if / else if / else', () => {
    const t = compileTemplate('{{if eq .N 1}}one{{else if eq .N 2}}two{{else}}many{{end}}');
    assert.deepEqual(
      [1, 2, 3].map((N) => t({ N })),
      ['one', 'two', 'many'],
    );
  });

  it('moves dot with with, and takes else when the value is empty', () => {
    assert.equal(renderTemplate('{{with .State}}{{.Status}}{{end}}', inspect), 'running');
    assert.equal(renderTemplate('{{with .State.Health}}{{.}}{{else}}no health{{end}}', inspect), 'no health');
  });

  it('declares and assigns variables', () => {
    assert.equal(renderTemplate('{{$n := .Name}}{{$n}} {{$n = "x"}}{{$n}} {{$.Id}}', inspect), '/web x f0e1d2c3b4a5');
  });

  it('pipes values into functions as their last argument', () => {
    assert.equal(renderTemplate('{{.Name | upper}} {{.Name | printf "%s!"}}', inspect), '/WEB /web!');
  });

  it('offers docker functions join, split, lower, upper, title, truncate and pad', () => {
    assert.equal(renderTemplate('{{join .Args " "}}', inspect), '-g daemon off;');
    assert.equal(renderTemplate('{{split "a:b:c" ":"}} {{index (split "a:b" ":") 1}}', null), '[a b c] b');
    assert.equal(renderTemplate('{{lower "AbC"}} {{upper "AbC"}} {{title "hello wide-world"}}', null), 'abc ABC Hello Wide-World');
    assert.equal(renderTemplate('[{{truncate "abcdef" 3}}] [{{pad "x" 2 1}}] [{{pad "" 2 1}}]', null), '[abc] [  x ] []');
  });

  it('offers Go builtins println, printf, len and the comparisons', () => {
    assert.equal(renderTemplate('{{println "a" 1}}', null), 'a 1\n');
    assert.equal(renderTemplate('{{printf "%s|%d|%v|%q|%-10s|" "s" 3 .Args "q" "left"}}', inspect), 's|3|[-g daemon off;]|"q"|left      |');
    assert.equal(renderTemplate('{{len .Mounts}} {{len .Config.Labels}} {{len "héllo"}}', inspect), '2 3 6');
    assert.equal(
      renderTemplate('{{eq 1 1}} {{ne "a" "b"}} {{lt 1 2}} {{le 2 2}} {{gt 3 2}} {{ge 1 2}} {{and 1 0}} {{or 0 "x"}} {{not ""}}', null),
      'true true true true true false 0 x true',
    );
  });

  it('trims spaces at trim markers and ignores comments', () => {
    assert.equal(renderTemplate('a  {{- /* note */ -}}  b {{- " c " -}}\n d', null), 'ab c d');
  });

  it('accepts string, raw string, character, number and boolean literals', () => {
    assert.equal(renderTemplate('{{"a\\tb"}}|{{`r\\n`}}|{{\'x\'}}|{{0x10}}|{{1_000}}|{{-2.5}}|{{true}}', null), 'a\tb|r\\n|120|16|1000|-2.5|true');
  });

  it('prints literal braces written as a string', () => {
    assert.equal(renderTemplate('{{"{{"}}.Name{{"}}"}}', inspect), '{{.Name}}');
  });

  it('keeps unicode in text, fields and values', () => {
    assert.equal(renderTemplate('héllo {{.名前}} {{upper .Ü}} 🐳', { 名前: '世界', Ü: 'straße' }), 'héllo 世界 STRASSE 🐳');
  });

  it('supports break and continue inside range', () => {
    assert.equal(renderTemplate('{{range .}}{{if eq . 2}}{{continue}}{{end}}{{if eq . 4}}{{break}}{{end}}{{.}}{{end}}', [1, 2, 3, 4, 5]), '13');
  });

  it('calls functions found on the data as methods, with arguments', () => {
    const row = {
      Labels: { a: '1' },
      Label(name: string) {
        return this.Labels[name as 'a'] ?? '';
      },
    };
    assert.equal(renderTemplate('{{.Label "a"}}|{{.Label "b"}}', row), '1|');
  });

  it('treats Map instances as Go maps', () => {
    assert.equal(
      renderTemplate(
        '{{.}} {{index . "b"}} {{json .}}',
        new Map([
          ['b', 2],
          ['a', 1],
        ]),
      ),
      'map[a:1 b:2] 2 {"a":1,"b":2}',
    );
  });

  it('prints a Date as time.Time prints in UTC', () => {
    const d = new Date(Date.UTC(2024, 0, 2, 3, 4, 5));
    assert.equal(renderTemplate('{{.}} {{json .}}', d), '2024-01-02 03:04:05 +0000 UTC "2024-01-02T03:04:05Z"');
  });

  it('accepts caller functions next to docker ones', () => {
    const twice = templateFunction(['string'], (s: string) => s + s);
    assert.equal(renderTemplate('{{twice .}}', 'ab', { functions: { twice } }), 'abab');
  });
});

describe('compileTemplate', () => {
  it('parses once and renders many rows', () => {
    const row = compileTemplate('{{.ID}}:{{.Name}}');
    assert.deepEqual(
      [
        { ID: 1, Name: 'a' },
        { ID: 2, Name: 'b' },
      ].map(row),
      ['1:a', '2:b'],
    );
  });

  it('fails at compile time on a parse error', () => {
    const e = errorOf(() => compileTemplate('{{.Name }x}}'));
    assert.equal(e.kind, 'InvalidArgument');
    assert.equal(e.message, 'template: :1: unexpected "}" in operand');
    assert.equal(errorOf(() => compileTemplate('{{json .A}')).message, "template: :1: bad character U+007D '}'");
  });
});

describe('template errors', () => {
  it('reports an unknown field of a struct like Go', () => {
    const e = errorOf(() => renderTemplate('{{.Foo}}', goStruct({ ID: 'x' }, '*formatter.ContainerContext')));
    assert.equal(e.kind, 'InvalidArgument');
    assert.equal(e.message, 'template: :1:2: executing "" at <.Foo>: can\'t evaluate field Foo in type *formatter.ContainerContext');
  });

  it('reports a field of a non-struct value with its Go type', () => {
    assert.equal(
      errorOf(() => renderTemplate('{{.Name.Foo}}', inspect)).message,
      'template: :1:7: executing "" at <.Name.Foo>: can\'t evaluate field Foo in type interface {}',
    );
    assert.equal(errorOf(() => renderTemplate('{{.Foo}}', 'text')).message, 'template: :1:2: executing "" at <.Foo>: can\'t evaluate field Foo in type string');
  });

  it('fails on a missing key when missingkey=error, as docker inspect does on its raw fallback', () => {
    assert.equal(
      errorOf(() => renderTemplate('{{.Foo}}', inspect, { missingKey: 'error' })).message,
      'template: :1:2: executing "" at <.Foo>: map has no entry for key "Foo"',
    );
  });

  it('reports parse errors with the line', () => {
    assert.equal(errorOf(() => renderTemplate('ok\n{{if .A}}', null)).message, 'template: :2: unexpected EOF');
    assert.equal(errorOf(() => renderTemplate('{{nope .A}}', null)).message, 'template: :1: function "nope" not defined');
    assert.equal(errorOf(() => renderTemplate('{{$x}}', null)).message, 'template: :1: undefined variable "$x"');
    assert.equal(errorOf(() => renderTemplate('{{end}}', null)).message, 'template: :1: unexpected {{end}}');
  });

  it('reports a wrong argument type and a failing function', () => {
    assert.equal(
      errorOf(() => renderTemplate('{{upper .N}}', { N: 5 })).message,
      'template: :1:8: executing "" at <.N>: wrong type for value; expected string; got int',
    );
    assert.equal(
      errorOf(() => renderTemplate('{{index .L 3}}', { L: [1] })).message,
      'template: :1:2: executing "" at <index .L 3>: error calling index: index out of range: 3',
    );
  });

  it('counts error columns in bytes on the error line, as Go does', () => {
    assert.equal(
      errorOf(() => renderTemplate('é\n  ü {{.A.B}}', { A: 'x' })).message,
      'template: :2:9: executing "" at <.A.B>: can\'t evaluate field B in type interface {}',
    );
  });

  it('stops endless template recursion with an error', () => {
    const e = errorOf(() => renderTemplate('{{define "r"}}{{template "r" .}}{{end}}{{template "r" .}}', 1));
    assert.match(e.message, /exceeded maximum template depth \(1000\)$/);
  });

  it('turns pathological nesting into an error instead of a crash', () => {
    const deep = `{{${'('.repeat(20000)}1${')'.repeat(20000)}}}`;
    assert.equal(errorOf(() => renderTemplate(deep, null)).kind, 'InvalidArgument');
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic['self'] = cyclic;
    assert.equal(errorOf(() => renderTemplate('{{.}}', cyclic)).kind, 'InvalidArgument');
    assert.match(errorOf(() => renderTemplate('{{json .}}', cyclic)).message, /encountered a cycle/);
  });

  it('keeps the output written before an execution error', () => {
    const r = parseGoTemplate('a{{.X}}b{{.X.Y 1}}c').execute({ X: 'x' });
    assert.equal(r.output, 'axb');
    assert.ok(r.error instanceof BerthError);
  });
});

describe('GoTemplate.fieldNames', () => {
  it('lists the top-level fields a template reads', () => {
    assert.deepEqual(parseGoTemplate('{{.ID}}\t{{.Config.Image}}{{range .Mounts}}{{.Source}}{{end}}').fieldNames(), ['ID', 'Config', 'Mounts', 'Source']);
  });
});
