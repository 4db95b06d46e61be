import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { classifyStartError, OciRuntimeError, runtimeErrorMessage } from './oci-runtime-error.js';

// Messages as runc 1.1.5 and crun 1.8 print them on this host.
describe('classifyStartError()', () => {
  it('calls a command missing from PATH CommandNotFound', () => {
    assert.equal(
      classifyStartError('runc create failed: unable to start container process: exec: "nonexist": executable file not found in $PATH'),
      'CommandNotFound',
    );
    assert.equal(classifyStartError('exec failed: unable to start container process: exec: "nonexist": executable file not found in $PATH'), 'CommandNotFound');
  });

  it('calls a missing absolute path CommandNotFound', () => {
    assert.equal(
      classifyStartError('runc run failed: unable to start container process: exec: "/nonexistent": stat /nonexistent: no such file or directory'),
      'CommandNotFound',
    );
  });

  it("calls crun's missing executable CommandNotFound", () => {
    assert.equal(classifyStartError('executable file `nonexist` not found in $PATH: No such file or directory'), 'CommandNotFound');
  });

  it('calls a file that is not executable, or a directory, CannotInvoke', () => {
    assert.equal(classifyStartError('runc create failed: unable to start container process: exec: "/noexec.sh": permission denied'), 'CannotInvoke');
    assert.equal(classifyStartError('runc run failed: unable to start container process: exec: "/tmp": permission denied'), 'CannotInvoke');
  });

  it('keeps other failures Internal, even those saying "no such file or directory"', () => {
    assert.equal(
      classifyStartError('exec failed: unable to start container process: chdir to cwd ("/nonexist") set in config.json failed: no such file or directory'),
      'Internal',
    );
    assert.equal(classifyStartError('exec failed: container does not exist'), 'Internal');
    assert.equal(
      classifyStartError(
        'runc create failed: unable to start container process: error during container init: error mounting "/x" to rootfs at "/y": stat /x: no such file or directory',
      ),
      'Internal',
    );
  });
});

describe('runtimeErrorMessage()', () => {
  it('takes the last error entry of JSON log lines', () => {
    const out =
      '{"level":"warning","msg":"something odd","time":"2026-11-29T11:12:19Z"}\n{"level":"error","msg":"container not running","time":"2026-11-29T11:12:22Z"}\n';
    assert.equal(runtimeErrorMessage(out), 'container not running');
  });

  it('unquotes the msg of logrus text lines', () => {
    const out = 'time="2026-11-29T11:14:03Z" level=error msg="runc create failed: exec: \\"nonexist\\": executable file not found in $PATH"\n';
    assert.equal(runtimeErrorMessage(out), 'runc create failed: exec: "nonexist": executable file not found in $PATH');
  });

  it('falls back to the last plain line, and to empty', () => {
    assert.equal(runtimeErrorMessage('first\nexec failed: container does not exist\n'), 'exec failed: container does not exist');
    assert.equal(runtimeErrorMessage('\n'), '');
  });
});

describe('OciRuntimeError', () => {
  it('prefixes the context and keeps the runtime message apart', () => {
    const e = new OciRuntimeError('killing container "web"', 'container not running');
    assert.equal(e.message, 'killing container "web": container not running');
    assert.equal(e.runtimeMessage, 'container not running');
    assert.equal(e.kind, 'Internal');
    assert.equal(e.printedByRuntime, false);
  });
});
