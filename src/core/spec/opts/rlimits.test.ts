import assert from 'node:assert/strict';
import { test } from 'node:test';
import { emptyContainerSpec } from '../container-spec.js';
import { fakeHost } from '../fake-host.js';
import { RLIMIT_UNLIMITED, rlimits } from './rlimits.js';
import { ociJson } from '../../oci/json.js';

const spec = (ulimits: Array<{ name: string; soft: number; hard: number }> = []) => ({ ...emptyContainerSpec('i', 'x'), ulimits });

test("rlimits() lowers the defaults to the host's hard limits", () => {
  assert.deepEqual(rlimits(spec(), fakeHost()), [
    { type: 'RLIMIT_NOFILE', hard: 20000, soft: 20000 },
    { type: 'RLIMIT_NPROC', hard: 96365, soft: 96365 },
  ]);
});

test('rlimits() keeps the defaults where the host allows them', () => {
  const host = fakeHost({ rlimitHard: { RLIMIT_NOFILE: Infinity } });
  assert.deepEqual(rlimits(spec(), host), [
    { type: 'RLIMIT_NOFILE', hard: 1048576, soft: 1048576 },
    { type: 'RLIMIT_NPROC', hard: 4194304, soft: 4194304 },
  ]);
});

test('rlimits() lets --ulimit override a default within the host limit', () => {
  const out = rlimits(
    spec([
      { name: 'nofile', soft: 1024, hard: 2048 },
      { name: 'core', soft: 0, hard: -1 },
    ]),
    fakeHost(),
  );
  assert.deepEqual(out, [
    { type: 'RLIMIT_NOFILE', hard: 2048, soft: 1024 },
    { type: 'RLIMIT_NPROC', hard: 96365, soft: 96365 },
    { type: 'RLIMIT_CORE', hard: RLIMIT_UNLIMITED, soft: 0 },
  ]);
});

test("rlimits() refuses a --ulimit above the host's hard limit and names that limit", () => {
  assert.throws(() => rlimits(spec([{ name: 'nofile', soft: 1048576, hard: 1048576 }]), fakeHost()), {
    kind: 'InvalidArgument',
    message: "--ulimit nofile: hard limit 1048576 is above this host's hard limit of 20000, which berth cannot raise",
    hint: 'use --ulimit nofile=20000:20000 or less',
  });
  assert.throws(() => rlimits(spec([{ name: 'nproc', soft: -1, hard: -1 }]), fakeHost()), {
    message: "--ulimit nproc: hard limit unlimited is above this host's hard limit of 96365, which berth cannot raise",
  });
});

test('rlimits() writes unlimited as a number JSON can carry exactly', () => {
  const [, , core] = rlimits(spec([{ name: 'core', soft: -1, hard: -1 }]), fakeHost());
  assert.deepEqual(core, { type: 'RLIMIT_CORE', hard: RLIMIT_UNLIMITED, soft: RLIMIT_UNLIMITED });
  assert.equal(JSON.parse(JSON.stringify(core)).hard, Number.MAX_SAFE_INTEGER);
});

test('ociJson writes an unlimited rlimit as RLIM_INFINITY (2^64-1) and leaves other numbers alone', () => {
  const text = ociJson({ process: { rlimits: [{ type: 'RLIMIT_CORE', hard: RLIMIT_UNLIMITED, soft: RLIMIT_UNLIMITED }], user: { uid: 9007199254740991 } } });
  assert.equal(
    text,
    '{"process":{"rlimits":[{"type":"RLIMIT_CORE","hard":18446744073709551615,"soft":18446744073709551615}],"user":{"uid":9007199254740991}}}',
  );
});
