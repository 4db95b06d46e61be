import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BerthError } from '../errors/index.js';
import { effectiveFormat, formatRows, formatTable, templateString } from './table.js';

const HEADERS = { ID: 'CONTAINER ID', Image: 'IMAGE', Command: 'COMMAND', Status: 'STATUS', Names: 'NAMES', Labels: 'LABELS' };
const DEFAULT = 'table {{.ID}}\\t{{.Image}}\\t{{.Command}}\\t{{.Status}}\\t{{.Names}}';
const rows = [
  { ID: '3f4e5d6c7b8a', Image: 'busybox', Command: '"sleep 1000"', Status: 'Up 5 seconds', Names: 'web', Labels: 'a=b' },
  { ID: '0a1b2c3d4e5f', Image: 'nginx:latest', Command: '"/docker-entrypoint.…"', Status: 'Exited (0) 3 seconds ago', Names: 'proxy', Labels: '' },
];

describe('formatRows', () => {
  it('prints the default table with a header and columns three spaces apart', () => {
    assert.equal(
      formatRows({ format: undefined, defaultTable: DEFAULT, rows, headers: HEADERS }),
      'CONTAINER ID   IMAGE          COMMAND                  STATUS                     NAMES\n' +
        '3f4e5d6c7b8a   busybox        "sleep 1000"             Up 5 seconds               web\n' +
        '0a1b2c3d4e5f   nginx:latest   "/docker-entrypoint.…"   Exited (0) 3 seconds ago   proxy\n',
    );
  });

  it('treats "table" alone and "" as the default table', () => {
    const expected = formatRows({ format: undefined, defaultTable: DEFAULT, rows, headers: HEADERS });
    assert.equal(formatRows({ format: 'table', defaultTable: DEFAULT, rows, headers: HEADERS }), expected);
    assert.equal(formatRows({ format: '', defaultTable: DEFAULT, rows, headers: HEADERS }), expected);
  });

  it("pads narrow columns to docker's minimum width of ten", () => {
    assert.equal(
      formatRows({ format: 'table {{.Names}}\t{{.ID}}', defaultTable: DEFAULT, rows: rows.slice(0, 1), headers: HEADERS }),
      'NAMES     CONTAINER ID\nweb       3f4e5d6c7b8a\n',
    );
  });

  it('heads a column with the header of the field, through functions that keep it intact', () => {
    assert.equal(
      formatRows({ format: 'table {{upper .Names}}\t{{json .Labels}}\t{{.Label "com.example.build_id"}}', defaultTable: DEFAULT, rows: [], headers: HEADERS }),
      'NAMES     LABELS    build id\n',
    );
  });

  it('names a column after its field when the headers map lacks it', () => {
    assert.equal(formatRows({ format: 'table {{.Size}}', defaultTable: DEFAULT, rows: [{ Size: '2B' }], headers: HEADERS }), 'SIZE\n2B\n');
  });

  it('prints one line per row and no header without the table prefix', () => {
    assert.equal(
      formatRows({ format: '{{.Names}}: {{.Status}}', defaultTable: DEFAULT, rows, headers: HEADERS }),
      'web: Up 5 seconds\nproxy: Exited (0) 3 seconds ago\n',
    );
  });

  it('turns the two characters \\t and \\n of a flag into tab and newline', () => {
    assert.equal(
      formatRows({ format: '{{.ID}}\\t{{.Names}}\\n--', defaultTable: DEFAULT, rows: rows.slice(0, 1), headers: HEADERS }),
      '3f4e5d6c7b8a\tweb\n--\n',
    );
  });

  it('prints each row as one JSON line for --format json and {{json .}}', () => {
    const expected = '{"ID":"3f4e5d6c7b8a","Image":"busybox","Command":"\\"sleep 1000\\"","Status":"Up 5 seconds","Names":"web","Labels":"a=b"}\n';
    assert.equal(formatRows({ format: 'json', defaultTable: DEFAULT, rows: rows.slice(0, 1), headers: HEADERS }), expected);
    assert.equal(formatRows({ format: '{{json .}}', defaultTable: DEFAULT, rows: rows.slice(0, 1), headers: HEADERS }), expected);
  });

  it('prints only IDs when quiet, whatever the format', () => {
    assert.equal(formatRows({ format: 'table {{.Names}}', quiet: true, defaultTable: DEFAULT, rows, headers: HEADERS }), '3f4e5d6c7b8a\n0a1b2c3d4e5f\n');
  });

  it('prints only the header when there are no rows', () => {
    assert.equal(formatRows({ format: undefined, defaultTable: 'table {{.ID}}\\t{{.Names}}', rows: [], headers: HEADERS }), 'CONTAINER ID   NAMES\n');
  });

  it('prints nothing for no rows without a table', () => {
    assert.equal(formatRows({ format: '{{.ID}}', defaultTable: DEFAULT, rows: [], headers: HEADERS }), '');
  });

  it('aligns wide characters by their terminal width', () => {
    assert.equal(
      formatRows({
        format: 'table {{.Names}}\t{{.ID}}',
        defaultTable: DEFAULT,
        rows: [
          { Names: '日本語のなまえ', ID: '1' },
          { Names: 'x', ID: '2' },
        ],
        headers: HEADERS,
      }),
      'NAMES            CONTAINER ID\n日本語のなまえ   1\nx                2\n',
    );
  });

  it('reports an unknown field as docker does, with the row type', () => {
    assert.throws(
      () => formatRows({ format: '{{.Foo}}', defaultTable: DEFAULT, rows, headers: HEADERS, rowType: '*formatter.ContainerContext' }),
      (e: unknown) =>
        e instanceof BerthError &&
        e.kind === 'InvalidArgument' &&
        e.message === 'template parsing error: template: :1:2: executing "" at <.Foo>: can\'t evaluate field Foo in type *formatter.ContainerContext',
    );
  });

  it('reports a template syntax error as docker does', () => {
    assert.throws(
      () => formatRows({ format: 'table {{.ID', defaultTable: DEFAULT, rows, headers: HEADERS }),
      (e: unknown) => e instanceof BerthError && e.message === 'template parsing error: template: :1: unclosed action',
    );
  });
});

describe('templateString', () => {
  it('strips the table prefix and surrounding spaces and maps json to {{json .}}', () => {
    assert.equal(templateString('table  {{.ID}}\\t{{.Names}} '), '{{.ID}}\t{{.Names}}');
    assert.equal(templateString('json'), '{{json .}}');
    assert.equal(templateString('table'), '');
    assert.equal(templateString('\t{{.ID}}'), '\t{{.ID}}');
  });
});

describe('effectiveFormat', () => {
  it('prefers quiet, then the user format, then the default table', () => {
    assert.equal(effectiveFormat({ format: 'json', defaultTable: 'D', quiet: true }), '{{.ID}}');
    assert.equal(effectiveFormat({ format: 'json', defaultTable: 'D', quiet: true, quietFormat: '{{.Name}}' }), '{{.Name}}');
    assert.equal(effectiveFormat({ format: '{{.X}}', defaultTable: 'D' }), '{{.X}}');
    assert.equal(effectiveFormat({ format: undefined, defaultTable: 'D' }), 'D');
  });
});

describe('formatTable', () => {
  it('lays out rows as docker top does, twenty columns minimum', () => {
    assert.equal(
      formatTable([
        ['UID', 'PID', 'CMD'],
        ['root', '1', 'sleep 1000'],
        ['root', '27', 'sh'],
      ]),
      'UID                 PID                 CMD\nroot                1                   sleep 1000\nroot                27                  sh\n',
    );
  });
});

it('{{.Label "key"}} reads one of a row\'s labels (a k=v list or a map); json output leaves the method out', () => {
  const labelled = [
    { Names: 'web', Labels: 'tier=front,com.example.v=1.2' },
    { Names: 'db', Labels: '' },
  ];
  assert.equal(
    formatRows({ format: '{{.Names}}:{{.Label "com.example.v"}}:{{.Label "tier"}}', defaultTable: '', rows: labelled, headers: {} }),
    'web:1.2:front\ndb::\n',
  );
  assert.equal(formatRows({ format: '{{.Label "team"}}', defaultTable: '', rows: [{ Labels: { team: 'infra' } }], headers: {} }), 'infra\n');
  assert.equal(
    formatRows({ format: 'json', defaultTable: '', rows: [labelled[0] as object], headers: {} }),
    '{"Names":"web","Labels":"tier=front,com.example.v=1.2"}\n',
  );
});

it("images and ps CreatedAt is Go's time.String() in UTC", async () => {
  const { formatCreatedAt } = await import('./units.js');
  assert.equal(formatCreatedAt(new Date('2024-03-05T07:08:09.123Z')), '2024-03-05 07:08:09 +0000 UTC');
});

it('a template of plain {{.Field}} actions prints what the template engine prints, for any field type', () => {
  const mixed = [
    { Name: 'v1', Size: 12.5, Ok: true, Tags: ['a', 'b'] },
    { Name: 'wide 漢字', Size: 3, Ok: false, Tags: [] },
  ];
  assert.equal(
    formatRows({ format: 'table {{.Name}}\t{{.Size}}\t{{.Ok}}\t{{.Tags}}', defaultTable: '', rows: mixed, headers: {} }),
    'NAME        SIZE      OK        TAGS\nv1          12.5      true      [a b]\nwide 漢字   3         false     []\n',
  );
  // a field the row lacks is the template's error, as before
  assert.throws(() => formatRows({ format: '{{.Nope}}', defaultTable: '', rows: [{ Name: 'x' }], headers: {} }), BerthError);
});
