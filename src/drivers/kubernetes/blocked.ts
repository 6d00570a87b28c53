/**
 * What would fight a switch, found before one: a paused Deployment (the
 * controller would not roll it), an Argo CD application with auto-sync or
 * a Helm release owning it (either puts its own template back: argo-cd#5351,
 * helm#4558). Each stops the run with TARGET_BLOCKED, naming it. Pure.
 */
import type { V1Deployment } from '@kubernetes/client-node';
import { RewindError } from '../../core/errors.js';

export function blockers(deployment: V1Deployment): string[] {
  const name = deployment.metadata?.name ?? 'the Deployment';
  const annotations = deployment.metadata?.annotations ?? {};
  const labels = deployment.metadata?.labels ?? {};
  const found: string[] = [];
  if (deployment.spec?.paused) found.push(`${name} is paused: resume it first (kubectl rollout resume deployment/${name})`);
  const argo = annotations['argocd.argoproj.io/tracking-id'] ?? labels['app.kubernetes.io/instance'];
  if (annotations['argocd.argoproj.io/tracking-id'] !== undefined || annotations['argocd.argoproj.io/sync-options'] !== undefined) {
    found.push(`${name} is managed by Argo CD (${argo}): an auto-sync would undo the rollback; turn auto-sync off for it, ` +
      'or roll back in Git');
  }
  if (labels['app.kubernetes.io/managed-by'] === 'Helm' || annotations['meta.helm.sh/release-name'] !== undefined) {
    const release = annotations['meta.helm.sh/release-name'] ?? 'its release';
    found.push(`${name} belongs to the Helm release ${release}: the next helm upgrade puts its template back; ` +
      `roll back with helm rollback ${release}, or take it out of Helm`);
  }
  return found;
}

export function refuseBlocked(deployment: V1Deployment): void {
  const found = blockers(deployment);
  if (found.length > 0) throw new RewindError('TARGET_BLOCKED', found.join('; '), { deployment: deployment.metadata?.name });
}
