import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';

// Every `@example` in a doc comment of src is compiled against the code it documents, so an
// example that names a function that no longer exists, or calls one with the wrong arguments,
// fails here. An example is compiled as the body of an async function in a file beside its
// module, with the module's imports and its exported values in scope; names the example takes
// as given (`id`, `engine`, `bundle`) are declared `any`, except names it calls: a called
// function must be real.

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

interface Example {
  file: string;
  line: number;
  code: string;
}

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

/** The @example blocks of a file: the comment lines after the tag, up to the next tag or the end. */
function examples(file: string): Example[] {
  const text = fs.readFileSync(file, 'utf8');
  const out: Example[] = [];
  for (const m of text.matchAll(/\/\*\*[\s\S]*?\*\//g)) {
    const lines = m[0].split('\n').map((l) => l.replace(/^\s*\/?\*+\/?\s?/, '').replace(/\*\/\s*$/, ''));
    const start = lines.findIndex((l) => l.includes('@example'));
    if (start < 0) continue;
    const body: string[] = [lines[start]?.replace(/^.*@example\s*/, '') ?? ''];
    for (const l of lines.slice(start + 1)) {
      if (/^\s*@\w/.test(l)) break;
      body.push(l);
    }
    const line = text.slice(0, m.index).split('\n').length + start;
    out.push({ file, line, code: body.join('\n').trim() });
  }
  return out;
}

/** The value names a module exports itself (functions, classes, constants). */
function exportedValues(text: string): string[] {
  return [...text.matchAll(/^export\s+(?:async\s+)?(?:function\*?|class|const|let|enum)\s+([A-Za-z_$][\w$]*)/gm)].map((m) => m[1] as string);
}

function importLines(text: string): string[] {
  return [...text.matchAll(/^import\s[\s\S]*?from\s+['"][^'"]+['"];/gm)].map((m) => m[0]);
}

/** The types a module exports (interfaces, type aliases). */
function exportedTypes(text: string): string[] {
  return [...text.matchAll(/^export\s+(?:interface|type)\s+([A-Za-z_$][\w$]*)/gm)].map((m) => m[1] as string);
}

/** What an example takes from elsewhere: names other modules of src export, and names declared `any`. */
interface Given {
  imported: Map<string, string>;
  types: Map<string, string>;
  declared: Set<string>;
}

function virtualSource(ex: Example, given: Given | undefined): string {
  const text = fs.readFileSync(ex.file, 'utf8');
  const own = exportedValues(text);
  const base = `./${path.basename(ex.file, '.ts')}.js`;
  const rel = (file: string) => {
    const r = path.relative(path.dirname(ex.file), file).replace(/\.ts$/, '.js');
    return r.startsWith('.') ? r : `./${r}`;
  };
  return [
    ...importLines(text),
    own.length ? `import { ${own.join(', ')} } from '${base}';` : '',
    ...exportedTypes(text).map((n) => `import type { ${n} } from '${base}';`),
    ...[...(given?.types ?? [])].map(([n, file]) => `import type { ${n} } from '${rel(file)}';`),
    ...[...(given?.imported ?? [])].map(([n, file]) => `import { ${n} } from '${rel(file)}';`),
    ...[...(given?.declared ?? [])].map((n) => `declare let ${n}: any;`),
    'export async function __example(): Promise<void> {',
    ex.code,
    '}',
  ].join('\n');
}

function compile(list: Example[], given: Map<number, Given>): Map<number, readonly ts.Diagnostic[]> {
  const parsed = ts.getParsedCommandLineOfConfigFile(path.join(ROOT, 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined });
  const options: ts.CompilerOptions = { ...(parsed?.options ?? {}), noEmit: true, noUnusedLocals: false, incremental: false, tsBuildInfoFile: undefined };
  const virtual = new Map(list.map((ex, i) => [path.join(path.dirname(ex.file), `__example_${i}.ts`), virtualSource(ex, given.get(i))]));
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, lang, onError, create) => {
    const v = virtual.get(path.resolve(name));
    return v !== undefined ? ts.createSourceFile(name, v, lang, true) : getSourceFile(name, lang, onError, create);
  };
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => virtual.has(path.resolve(name)) || fileExists(name);
  const program = ts.createProgram([...virtual.keys()], options, host);
  const out = new Map<number, readonly ts.Diagnostic[]>();
  [...virtual.keys()].forEach((name, i) => {
    const sf = program.getSourceFile(name);
    out.set(i, sf ? [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)] : []);
  });
  return out;
}

test('every @example in src compiles against the code it documents', () => {
  const files = sources(path.join(ROOT, 'src'));
  const list = files.flatMap(examples);
  assert.ok(list.length > 0, 'no @example found: the extraction is broken');
  // an example may use what another module of berth exports (found by name)
  const exporters = new Map<string, string>();
  const typeExporters = new Map<string, string>();
  for (const f of files) {
    const text = fs.readFileSync(f, 'utf8');
    for (const n of exportedValues(text)) if (!exporters.has(n)) exporters.set(n, f);
    for (const n of exportedTypes(text)) if (!typeExporters.has(n)) typeExporters.set(n, f);
  }
  // first pass: which names each example takes as given
  const given = new Map<number, Given>();
  const problems: string[] = [];
  for (const [i, diags] of compile(list, new Map())) {
    const ex = list[i] as Example;
    const g = given.get(i) ?? given.set(i, { imported: new Map(), types: new Map(), declared: new Set() }).get(i);
    for (const d of diags) {
      // a name not in scope (2304, 2552), or a shorthand property with no value of that name (18004)
      if (d.code !== 2304 && d.code !== 2552 && d.code !== 18004) continue;
      const name = /(?:Cannot find name|shorthand property) '([^']+)'/.exec(ts.flattenDiagnosticMessageText(d.messageText, ' '))?.[1];
      if (!name || !g) continue;
      const exporter = exporters.get(name);
      const typeExporter = typeExporters.get(name);
      if (exporter) g.imported.set(name, exporter);
      else if (typeExporter) g.types.set(name, typeExporter);
      else if (new RegExp(`(^|[^.\\w$])${name.replace(/\$/g, '\\$')}\\s*\\(`).test(ex.code)) {
        problems.push(`${path.relative(ROOT, ex.file)}:${ex.line}: the example calls ${name}, which does not exist`);
      } else g.declared.add(name);
    }
  }
  for (const [i, diags] of compile(list, given)) {
    const ex = list[i] as Example;
    for (const d of diags) problems.push(`${path.relative(ROOT, ex.file)}:${ex.line}: ${ts.flattenDiagnosticMessageText(d.messageText, ' ')}`);
  }
  assert.deepEqual([...new Set(problems)], []);
});
