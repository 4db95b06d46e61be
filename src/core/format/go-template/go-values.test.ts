import assert from 'node:assert/strict';
import { test } from 'node:test';
import { goJson } from './go-json.js';
import { nilMap, nilSlice } from './go-values.js';
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
