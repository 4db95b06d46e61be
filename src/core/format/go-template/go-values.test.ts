import assert from 'node:assert/strict';
import { test } from 'node:test';
import { goJson } from './go-json.js';
import { goStringMap, nilMap, nilSlice } from './go-values.js';
import { renderTemplate } from './template.js';

test('typed nils print as Go prints nil slices and maps of a struct, and are null in JSON', () => {
  const data = { Cmd: nilSlice(), Labels: nilMap(), Env: ['A=1'] };
  assert.equal(renderTemplate('{{.Cmd}} {{.Labels}} {{len .Cmd}} {{if .Cmd}}y{{else}}n{{end}}{{range .Cmd}}x{{end}}', data), '[] map[] 0 n');
  assert.equal(renderTemplate('{{json .Cmd}} {{json .Labels}} {{json .}}', data), 'null null {"Cmd":null,"Labels":null,"Env":["A=1"]}');
  assert.equal(JSON.stringify(data), '{"Cmd":null,"Labels":null,"Env":["A=1"]}');
  assert.equal(goJson(data), '{"Cmd":null,"Labels":null,"Env":["A=1"]}');
  // a plain null stays Go's untyped nil
  assert.equal(renderTemplate('{{.X}}', { X: null }), '<no value>');
});

test("index of a missing key: the zero string in a map[string]string (docker's Labels), no value in a map[string]interface {}", () => {
  assert.equal(renderTemplate('{{index .L "x"}}|{{index .L "a"}}', { L: goStringMap({ a: 'b' }) }), '|b');
  assert.equal(renderTemplate('{{index .L "x"}}', { L: { a: 'b' } }), '<no value>');
  // a field of a missing key is no value in both, as text/template's field lookup
  assert.equal(renderTemplate('{{.L.x}}', { L: goStringMap({ a: 'b' }) }), '<no value>');
});
