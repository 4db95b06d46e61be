import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KubeProbe } from '../spec/container-spec.js';
import { applyKubeProbe, initialKubeState, kubeHealth } from './kube-probes.js';

const probe = (p: Partial<KubeProbe> = {}): KubeProbe => ({
  test: ['CMD', 'true'],
  initialDelaySeconds: 0,
  periodSeconds: 10,
  timeoutSeconds: 1,
  successThreshold: 1,
  failureThreshold: 3,
  ...p,
});

test('a startup probe holds the container starting until it succeeds; failureThreshold failures in a row kill', () => {
  const startup = probe({ failureThreshold: 3 });
  const probes = { startup, liveness: probe(), readiness: probe() };
  const st = initialKubeState();
  assert.deepEqual(kubeHealth(st, probes, []), { Status: 'starting', FailingStreak: 0, Log: [], Started: false, Ready: false });
  assert.equal(applyKubeProbe(st, 'startup', startup, false), false);
  assert.equal(applyKubeProbe(st, 'startup', startup, false), false);
  assert.equal(kubeHealth(st, probes, []).FailingStreak, 2);
  // a success in between starts the count over
  assert.equal(applyKubeProbe(st, 'startup', startup, true), false);
  assert.equal(kubeHealth(st, probes, []).Started, true);
  // started: ready only once the readiness probe says so
  assert.equal(kubeHealth(st, probes, []).Status, 'starting');
  assert.equal(kubeHealth(st, probes, []).Ready, false);
  const st2 = initialKubeState();
  for (let i = 0; i < 2; i++) assert.equal(applyKubeProbe(st2, 'startup', startup, false), false);
  assert.equal(applyKubeProbe(st2, 'startup', startup, false), true, 'the third failure in a row kills');
});

test('readiness: successThreshold successes make it ready (healthy), failureThreshold failures unready (unhealthy); it never kills', () => {
  const readiness = probe({ successThreshold: 2, failureThreshold: 2 });
  const probes = { readiness };
  const st = initialKubeState();
  applyKubeProbe(st, 'readiness', readiness, true);
  assert.equal(kubeHealth(st, probes, []).Status, 'starting');
  applyKubeProbe(st, 'readiness', readiness, true);
  assert.deepEqual(kubeHealth(st, probes, []), { Status: 'healthy', FailingStreak: 0, Log: [], Started: true, Ready: true });
  assert.equal(applyKubeProbe(st, 'readiness', readiness, false), false);
  assert.equal(kubeHealth(st, probes, []).Status, 'healthy', 'one failure is below the threshold');
  assert.equal(applyKubeProbe(st, 'readiness', readiness, false), false);
  assert.deepEqual(kubeHealth(st, probes, []), { Status: 'unhealthy', FailingStreak: 2, Log: [], Started: true, Ready: false });
  applyKubeProbe(st, 'readiness', readiness, true);
  assert.equal(kubeHealth(st, probes, []).Status, 'unhealthy', 'one success is below the threshold');
  applyKubeProbe(st, 'readiness', readiness, true);
  assert.equal(kubeHealth(st, probes, []).Status, 'healthy');
});

test('liveness and readiness together: readiness decides ready, a liveness failure streak kills and shows unhealthy', () => {
  const liveness = probe({ failureThreshold: 2 });
  const readiness = probe();
  const probes = { liveness, readiness };
  const st = initialKubeState();
  applyKubeProbe(st, 'liveness', liveness, true);
  assert.equal(kubeHealth(st, probes, []).Status, 'starting');
  assert.equal(kubeHealth(st, probes, []).Ready, false);
  applyKubeProbe(st, 'readiness', readiness, true);
  assert.equal(kubeHealth(st, probes, []).Status, 'healthy');
  assert.equal(applyKubeProbe(st, 'liveness', liveness, false), false);
  assert.equal(applyKubeProbe(st, 'liveness', liveness, false), true);
  assert.equal(kubeHealth(st, probes, []).Status, 'unhealthy');
  // liveness alone: healthy from its first success
  const alone = initialKubeState();
  assert.equal(kubeHealth(alone, { liveness }, []).Status, 'starting');
  assert.equal(kubeHealth(alone, { liveness }, []).Ready, true);
  applyKubeProbe(alone, 'liveness', liveness, true);
  assert.equal(kubeHealth(alone, { liveness }, []).Status, 'healthy');
});
