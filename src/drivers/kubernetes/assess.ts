/**
 * A rollback's target as the cluster sees it, for the plan and before any
 * approval: the revisions the cluster still has, which one is the target's,
 * what differs between the live template and the target's; what undoing the
 * template does not revert (risk medium); and what stops the plan: a paused
 * or GitOps-managed Deployment (TARGET_BLOCKED), a target whose ReplicaSet
 * is gone past revisionHistoryLimit or whose recorded ConfigMaps are missing
 * (TARGET_GONE).
 */
import type { TargetAssessment } from '../../core/driver.js';
import { RewindError } from '../../core/errors.js';
import type { Risk } from '../../core/plan.js';
import { parseRelease } from './artifact.js';
import { refuseBlocked } from './blocked.js';
import { missingRecords } from './configMaps.js';
import type { KubeContext } from './context.js';
import { readDeployment, REVISION, revisionsOf } from './deployment.js';
import { referencedObjects, templateDiff } from './templateDiff.js';

export async function assessTarget(ctx: KubeContext, version: string, artifact: string | null): Promise<TargetAssessment> {
  const { cluster, deployment } = await readDeployment(ctx);
  refuseBlocked(deployment);
  const revisions = await revisionsOf(cluster, deployment);
  const liveRevision = deployment.metadata?.annotations?.[REVISION] ?? '?';
  const limit = deployment.spec?.revisionHistoryLimit ?? 10;
  const notes = [`the cluster has revisions ${revisions.map((r) => r.revision).join(', ') || 'none'} ` +
    `(revisionHistoryLimit ${limit}); the Deployment is at revision ${liveRevision}`];
  const recorded = parseRelease(artifact);
  if (!recorded) {
    notes.push(`${version} has no revision recorded (deployed before rewind recorded it): its image is set again`);
    return { notes, risks: undoRisks(ctx, deployment.spec?.template, deployment.spec?.replicas, []) };
  }
  const target = revisions.find((r) => r.templateHash === recorded.templateHash);
  if (!target) {
    throw new RewindError('TARGET_GONE', `${cluster.label}: the ReplicaSet of ${version} (revision ${recorded.revision}, template ` +
      `${recorded.templateHash}) is gone from deployment ${ctx.config.deployment}, past its revisionHistoryLimit (${limit}): ` +
      `deploy ${version} again with \`rewind deploy ${version}\`, or choose another target with --to`, { version });
  }
  const lost = await missingRecords(ctx, version, recorded.configMaps);
  if (lost.length > 0) {
    throw new RewindError('TARGET_GONE', `the ConfigMaps recorded with ${version} (${lost.join(', ')}) are missing or altered in ` +
      `${ctx.stateDir}: rewind cannot put them back; choose another target with --to`, { version });
  }
  notes.push(`${version} is revision ${target.revision} now (recorded as ${recorded.revision}), template ${recorded.templateHash}`);
  const diff = templateDiff(deployment.spec?.template, target.template);
  notes.push(...(diff.length > 0 ? diff.map((d) => `differs: ${d}`) : ['the live template is the target\'s already']));
  if (recorded.configMaps.length > 0) notes.push(`ConfigMaps put back first: ${recorded.configMaps.map((c) => c.name).join(', ')}`);
  const hpas = await hpasOf(ctx);
  return { notes, risks: undoRisks(ctx, target.template, deployment.spec?.replicas, hpas) };
}

function undoRisks(
  ctx: KubeContext, template: Parameters<typeof referencedObjects>[0], replicas: number | undefined, hpas: string[],
): Risk[] {
  const refs = referencedObjects(template);
  const unlisted = refs.configMaps.filter((c) => !ctx.config.config_maps.includes(c));
  const stay = [
    `the replica count (${replicas ?? 1})`,
    ...(hpas.length > 0 ? [`HPA ${hpas.join(', ')}`] : []),
    ...(refs.secrets.length > 0 ? [`Secrets ${refs.secrets.join(', ')}`] : ['Secrets']),
    ...(unlisted.length > 0 ? [`ConfigMaps not in kubernetes.config_maps: ${unlisted.join(', ')}`] : []),
  ];
  const message = `the rollback reverts the pod template only: ${stay.join(', ')} stay as they are now`;
  return [{ code: 'driver', level: 'medium', message }];
}

async function hpasOf(ctx: KubeContext): Promise<string[]> {
  const cluster = await ctx.cluster();
  try {
    const list = await cluster.autoscaling.listNamespacedHorizontalPodAutoscaler({ namespace: cluster.namespace });
    const targets = (h: (typeof list.items)[number]) =>
      h.spec?.scaleTargetRef?.kind === 'Deployment' && h.spec.scaleTargetRef.name === ctx.config.deployment;
    const ours = list.items.filter(targets);
    return ours.map((h) => h.metadata?.name ?? '?');
  } catch {
    // A cluster without autoscaling/v2, or a role that cannot list HPAs: the risk still names replicas.
    return [];
  }
}
