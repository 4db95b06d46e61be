import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ShellLex } from './shell-lex.js';

const vars: Record<string, string> = { A: 'a', EMPTY: '', LIST: 'x y  z' };
const lex = new ShellLex('\\', (n) => vars[n]);

test('word() expands $VAR and ${VAR} and removes quotes', () => {
  assert.equal(lex.word('$A-${A}'), 'a-a');
  assert.equal(lex.word(`"$A b" 'c $A'`), 'a b c $A');
  assert.equal(lex.word('\\$A'), '$A');
  assert.equal(lex.word('$UNSET.'), '.');
  assert.equal(lex.word('cost: $5'), 'cost: $5');
});

test('word() supports the :- :+ - + :? modifiers', () => {
  assert.equal(lex.word('${UNSET:-def}'), 'def');
  assert.equal(lex.word('${EMPTY:-def}'), 'def');
  assert.equal(lex.word('${EMPTY-def}'), '');
  assert.equal(lex.word('${A:+alt}'), 'alt');
  assert.equal(lex.word('${UNSET:+alt}'), '');
  assert.equal(lex.word('${UNSET:-${A}x}'), 'ax');
  assert.throws(() => lex.word('${UNSET:?needed}'), /UNSET: needed/);
});

test('words() splits on unquoted whitespace, including inside unquoted expansions', () => {
  assert.deepEqual(lex.words('$LIST "q r"'), ['x', 'y', 'z', 'q r']);
  assert.deepEqual(lex.words('"$LIST"'), ['x y  z']);
});

test('vars() expands variables and keeps quotes (heredoc bodies)', () => {
  assert.equal(lex.vars(`echo "$A" '\\$A'`), `echo "a" '$A'`);
});

test('an unterminated quote is an error', () => {
  assert.throws(() => lex.word('"abc'), /double-quote/);
});

test('rawWords() splits as the parser does, before expansion: quotes, escapes and $ kept as written', () => {
  const raw = new ShellLex('\\');
  assert.deepEqual(raw.rawWords(`a="b c" d`), { words: ['a="b c"', 'd'], openQuote: false });
  assert.deepEqual(raw.rawWords(`'x $Y' "\\" z" w\\ v $A`).words, [`'x $Y'`, `"\\" z"`, 'w\\ v', '$A']);
  assert.deepEqual(raw.rawWords(`  ${'${A:-b c}'}  `).words, ['${A:-b', 'c}']);
  assert.deepEqual(raw.rawWords(`a "b c`), { words: ['a', '"b c'], openQuote: true });
  assert.deepEqual(raw.rawWords(`a 'b \\' c`), { words: ['a', `'b \\'`, 'c'], openQuote: false });
  assert.equal(raw.rawWords(`it's`).openQuote, true);
  assert.deepEqual(new ShellLex('`').rawWords('a` b "c`" d"').words, ['a` b', '"c`" d"']);
});

test('without a lookup nothing is substituted: $ is an ordinary character (commit and import --change)', () => {
  const plain = new ShellLex('\\');
  assert.deepEqual(plain.words(`A=$HOME "B=\${X:-y} z" 'c $d'`), ['A=$HOME', 'B=${X:-y} z', 'c $d']);
});
