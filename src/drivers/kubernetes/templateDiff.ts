/** What differs between two pod templates where it matters to a rollback: image, env, resources, per container. Pure. */
import type { V1Container, V1EnvVar, V1PodTemplateSpec } from '@kubernetes/client-node';

export function templateDiff(live: V1PodTemplateSpec | undefined, target: V1PodTemplateSpec | undefined): string[] {
  const lines: string[] = [];
  const liveContainers = live?.spec?.containers ?? [];
  const targetContainers = target?.spec?.containers ?? [];
  for (const t of targetContainers) {
    const l = liveContainers.find((c) => c.name === t.name);
    if (!l) {
      lines.push(`container ${t.name}: only in the target`);
      continue;
    }
    if (l.image !== t.image) lines.push(`${t.name} image: ${l.image ?? '-'} -> ${t.image ?? '-'}`);
    lines.push(...envDiff(t.name, l.env ?? [], t.env ?? []));
    const [lr, tr] = [JSON.stringify(l.resources ?? {}), JSON.stringify(t.resources ?? {})];
    if (lr !== tr) lines.push(`${t.name} resources: ${lr} -> ${tr}`);
  }
  for (const l of liveContainers) if (!targetContainers.some((c) => c.name === l.name)) lines.push(`container ${l.name}: only live`);
  return lines;
}

function envDiff(container: string, live: V1EnvVar[], target: V1EnvVar[]): string[] {
  const shown = (e: V1EnvVar | undefined) =>
    (e === undefined ? '(unset)' : e.valueFrom ? 'from a reference' : JSON.stringify(e.value ?? ''));
  const names = [...new Set([...live.map((e) => e.name), ...target.map((e) => e.name)])];
  return names.flatMap((name) => {
    const [l, t] = [live.find((e) => e.name === name), target.find((e) => e.name === name)];
    return JSON.stringify(l ?? null) === JSON.stringify(t ?? null) ? [] : [`${container} env ${name}: ${shown(l)} -> ${shown(t)}`];
  });
}

/** The ConfigMaps and Secrets a template refers to (volumes, envFrom, env valueFrom). */
export function referencedObjects(template: V1PodTemplateSpec | undefined): { configMaps: string[]; secrets: string[] } {
  const configMaps = new Set<string>();
  const secrets = new Set<string>();
  for (const v of template?.spec?.volumes ?? []) {
    if (v.configMap?.name) configMaps.add(v.configMap.name);
    if (v.secret?.secretName) secrets.add(v.secret.secretName);
  }
  const containers: V1Container[] = [...(template?.spec?.containers ?? []), ...(template?.spec?.initContainers ?? [])];
  for (const c of containers) {
    for (const from of c.envFrom ?? []) {
      if (from.configMapRef?.name) configMaps.add(from.configMapRef.name);
      if (from.secretRef?.name) secrets.add(from.secretRef.name);
    }
    for (const e of c.env ?? []) {
      if (e.valueFrom?.configMapKeyRef?.name) configMaps.add(e.valueFrom.configMapKeyRef.name);
      if (e.valueFrom?.secretKeyRef?.name) secrets.add(e.valueFrom.secretKeyRef.name);
    }
  }
  return { configMaps: [...configMaps].sort(), secrets: [...secrets].sort() };
}
