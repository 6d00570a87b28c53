/**
 * The node: pods start Pending, then run. A container of a broken image crash-loops (Running, never Ready); others
 * are Ready with the imageID of the digest they pulled. Pods are re-checked on every tick, so marking an image
 * broken (or fixed) later changes the readiness of pods already running it.
 */
import type { ControllerClock } from './conditions.js';
import type { ImageCatalog } from './images.js';
import { timestamp, type ObjectStore } from './store.js';

type Obj = Record<string, any>;

export interface KubeletOptions {
  /** How long a pod stays Pending before it runs, in ms (default 0: the next tick). */
  podStartMs?: number;
}

let podIpCounter = 0;

export function kubeletTick(store: ObjectStore, images: ImageCatalog, clock: ControllerClock, options: KubeletOptions): void {
  for (const pod of store.list('pods')) {
    const next = nextStatus(pod, images, clock, options.podStartMs ?? 0);
    if (next) store.update('pods', { ...pod, status: next }, 'controller');
  }
}

function nextStatus(pod: Obj, images: ImageCatalog, clock: ControllerClock, startMs: number): Obj | undefined {
  const status: Obj = pod.status ?? {};
  const containers: Obj[] = pod.spec.containers ?? [];
  if (status.phase !== 'Running') {
    if (clock.now() - clock.firstSeen(`${pod.metadata.uid}/seen`) < startMs && status.phase === 'Pending') return undefined;
    const now = timestamp();
    const ip = ++podIpCounter;
    return withReadiness({
      phase: 'Running', hostIP: '10.0.0.1', podIP: `10.1.${(ip >> 8) & 255}.${ip & 255}`, startTime: now, qosClass: 'BestEffort',
      conditions: [
        { type: 'Initialized', status: 'True', lastTransitionTime: now },
        { type: 'PodScheduled', status: 'True', lastTransitionTime: now },
      ],
      containerStatuses: containers.map((c) => ({
        name: c.name, image: c.image, imageID: images.imageId(c.image), restartCount: 0,
        containerID: `docker://${images.digestOf(`${pod.metadata.uid}/${c.name}`)}`,
      })),
    }, pod.metadata.uid, containers, images, clock);
  }
  const next = withReadiness(structuredClone(status), pod.metadata.uid, containers, images, clock);
  return JSON.stringify(next) === JSON.stringify(status) ? undefined : next;
}

/**
 * Ready and ContainersReady, and each container's state, from whether its image is broken. The clock remembers
 * the precise moment a pod got Ready, which minReadySeconds counts from.
 */
function withReadiness(status: Obj, uid: string, containers: Obj[], images: ImageCatalog, clock: ControllerClock): Obj {
  // Stamped only when something changes: the clock keeps one precise moment per stamp.
  let stamped: string | undefined;
  const now = (): string => (stamped ??= clock.stamp(`${uid}/Ready`));
  const unready: string[] = [];
  for (const cs of status.containerStatuses as Obj[]) {
    const broken = images.isBroken(containers.find((c) => c.name === cs.name)?.image ?? cs.image);
    if (broken) unready.push(cs.name);
    if (cs.state !== undefined && broken === (cs.state.waiting !== undefined)) continue;
    cs.ready = !broken;
    cs.started = !broken;
    if (broken) {
      cs.restartCount = (cs.restartCount ?? 0) + 1;
      const startedAt = cs.state?.running?.startedAt ?? now();
      cs.lastState = { terminated: { exitCode: 1, reason: 'Error', startedAt, finishedAt: now() } };
      cs.state = { waiting: { reason: 'CrashLoopBackOff', message: `back-off 10s restarting failed container=${cs.name}` } };
    } else {
      cs.state = { running: { startedAt: now() } };
    }
  }
  const ready = unready.length === 0;
  const message = `containers with unready status: [${unready.join(' ')}]`;
  for (const type of ['Ready', 'ContainersReady']) {
    const current = (status.conditions as Obj[]).find((c) => c.type === type);
    if (current && (current.status === 'True') === ready) continue;
    const condition: Obj = { type, status: ready ? 'True' : 'False', lastTransitionTime: now(),
      ...(ready ? {} : { reason: 'ContainersNotReady', message }) };
    status.conditions = [...(status.conditions as Obj[]).filter((c) => c.type !== type), condition];
  }
  return status;
}
