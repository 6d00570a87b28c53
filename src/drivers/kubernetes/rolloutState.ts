/**
 * Whether a Deployment's rollout is done, still going, or failed, decided
 * as `kubectl rollout status` decides it: the controller has seen the latest
 * spec (observedGeneration >= generation), every replica is updated and
 * available, and no old replica is left; failed on ProgressDeadlineExceeded.
 * Pure: the Deployment in, the verdict out.
 */
import type { V1Deployment } from '@kubernetes/client-node';

export type RolloutState =
  | { state: 'done'; message: string }
  | { state: 'waiting'; message: string }
  | { state: 'failed'; message: string };

export function rolloutState(deployment: V1Deployment): RolloutState {
  const name = deployment.metadata?.name ?? 'the Deployment';
  const generation = deployment.metadata?.generation ?? 0;
  const status = deployment.status ?? {};
  if ((status.observedGeneration ?? 0) < generation) {
    return { state: 'waiting', message: `waiting for the controller to see ${name}'s new spec` };
  }
  const progressing = status.conditions?.find((c) => c.type === 'Progressing');
  if (progressing?.reason === 'ProgressDeadlineExceeded') {
    return { state: 'failed', message: `${name} exceeded its progress deadline (${progressing.message ?? 'no message'})` };
  }
  const desired = deployment.spec?.replicas ?? 1;
  const updated = status.updatedReplicas ?? 0;
  const total = status.replicas ?? 0;
  const available = status.availableReplicas ?? 0;
  if (updated < desired) return { state: 'waiting', message: `${updated} of ${desired} replicas updated` };
  if (total > updated) return { state: 'waiting', message: `${total - updated} old replicas are pending termination` };
  if (available < updated) return { state: 'waiting', message: `${available} of ${updated} updated replicas available` };
  return { state: 'done', message: `${name} rolled out: ${available} of ${desired} replicas available` };
}
