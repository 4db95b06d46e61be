import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BerthError } from '../errors/index.js';
import { goQuote } from './go-template/go-quote.js';
import { sprintf } from './go-template/go-print.js';
import { parseGoTemplate } from './go-template/template.js';
import { formatPorts } from './ports.js';
import { tabwrite } from './tabwriter.js';
import { GO_GOLDEN } from './testdata/go-golden.js';
import { ellipsis } from './truncate.js';
import { bytesSize, humanDuration, humanSizeWithPrecision } from './units.js';

/** Runs a golden template case the way Go's Execute does: output so far, then the error. */
function run(c: (typeof GO_GOLDEN.templates)[number]): { out: string; err?: string } {
  try {
    const tmpl = parseGoTemplate(c.template, c.missingKey ? { missingKey: c.missingKey } : {});
    const r = tmpl.execute(c.data);
    return r.error ? { out: r.output, err: r.error.message } : { out: r.output };
  } catch (e) {
    assert.ok(e instanceof BerthError, `parse failures are BerthErrors: ${String(e)}`);
    assert.equal(e.kind, 'InvalidArgument');
    return { out: '', err: e.message };
  }
}

describe('templates render exactly as Go text/template with docker functions', () => {
  for (const c of GO_GOLDEN.templates) {
    const label = c.deviation ? `${c.template} (differs from go1.19: ${c.deviation})` : c.template;
    it(`renders ${JSON.stringify(label)}`, () => {
      const got = run(c);
      assert.deepEqual(got, c.err === undefined ? { out: c.out } : { out: c.out, err: c.err });
    });
  }
});

describe('sprintf matches fmt.Sprintf', () => {
  for (const c of GO_GOLDEN.sprintf) {
    it(`formats ${JSON.stringify(c.args)}`, () => {
      const [format, ...args] = c.args;
      assert.equal(sprintf(format, args), c.out);
    });
  }
});

describe('tabwrite matches text/tabwriter with docker settings (10, 1, 3, space)', () => {
  for (const c of GO_GOLDEN.tabwriter) {
    it(`aligns ${JSON.stringify(c.in)}`, () => {
      assert.equal(tabwrite(c.in), c.out);
    });
  }
});

describe('units match docker/go-units', () => {
  for (const c of GO_GOLDEN.humanSize) {
    it(`humanSizeWithPrecision(${c.bytes}, ${c.precision}) is ${c.out}`, () => {
      assert.equal(humanSizeWithPrecision(c.bytes, c.precision), c.out);
    });
  }
  for (const c of GO_GOLDEN.bytesSize) {
    it(`bytesSize(${c.bytes}) is ${c.out}`, () => {
      assert.equal(bytesSize(c.bytes), c.out);
    });
  }
  for (const c of GO_GOLDEN.humanDuration) {
    it(`humanDuration(${c.ms}) is ${c.out}`, () => {
      assert.equal(humanDuration(c.ms), c.out);
    });
  }
});

describe('truncation and quoting match docker and strconv', () => {
  for (const c of GO_GOLDEN.ellipsis) {
    it(`ellipsis(${JSON.stringify(c.s)}, ${c.width}) is ${JSON.stringify(c.out)}`, () => {
      assert.equal(ellipsis(c.s, c.width), c.out);
    });
  }
  for (const c of GO_GOLDEN.quote) {
    it(`goQuote(${JSON.stringify(c.s)}) is ${c.out}`, () => {
      assert.equal(goQuote(c.s), c.out);
    });
  }
});

describe('formatPorts matches docker DisplayablePorts', () => {
  for (const c of GO_GOLDEN.ports) {
    it(`lists ${JSON.stringify(c.ports)} as ${JSON.stringify(c.out)}`, () => {
      assert.equal(formatPorts(c.ports), c.out);
    });
  }
});
