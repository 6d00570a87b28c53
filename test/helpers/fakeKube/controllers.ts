/**
 * The control loop: every tick (~25 ms) the garbage collector, the deployment controller, the ReplicaSet
 * controller and the kubelet each take one step over everything, so a rollout moves in visible steps.
 * A write that loses a race with a client (409 Conflict) is simply retried on the next tick, as the real
 * controllers requeue.
 */
import type { ControllerClock } from './conditions.js';
import { controlledBy } from './deploymentUtil.js';
import { syncDeployment } from './deploymentRollout.js';
import type { ImageCatalog } from './images.js';
import { kubeletTick, type KubeletOptions } from './kubelet.js';
import { replicaSetTick } from './replicaSetController.js';
import { ApiError } from './status.js';
import type { ObjectStore } from './store.js';

type Obj = Record<string, any>;

export class Controllers {
  private timer: NodeJS.Timeout | undefined;
  /** The last error that was not a lost race: a bug in the fake, surfaced by settle(). */
  private failure: unknown;

  constructor(
    private readonly store: ObjectStore,
    private readonly images: ImageCatalog,
    private readonly clock: ControllerClock,
    private readonly options: KubeletOptions & { tickMs?: number },
  ) {}

  start(): void {
    this.timer ??= setInterval(() => this.tick(), this.options.tickMs ?? 25);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One step of every controller; true when anything was written. */
  tick(): boolean {
    const before = this.store.resourceVersion();
    this.guard(() => this.collectGarbage());
    for (const d of this.store.list('deployments')) {
      const sets = this.store.list('replicasets', d.metadata.namespace).filter((rs) => controlledBy(rs, d.metadata.uid));
      this.guard(() => syncDeployment({ store: this.store, clock: this.clock, d }, sets));
    }
    this.guard(() => replicaSetTick(this.store, this.clock));
    this.guard(() => kubeletTick(this.store, this.images, this.clock, this.options));
    return this.store.resourceVersion() !== before;
  }

  /** Resolves once the controllers have nothing left to do: two quiet ticks, no pod starting, none waiting for minReadySeconds. */
  async settle(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let quiet = 0;
    while (quiet < 2) {
      if (this.failure) throw this.failure;
      if (Date.now() > deadline) throw new Error(`fakeKube: the controllers did not settle within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, this.options.tickMs ?? 25));
      quiet = this.tick() || this.waiting() ? 0 : quiet + 1;
    }
  }

  private waiting(): boolean {
    return this.store.list('pods').some((pod) => pod.status?.phase === 'Pending') ||
      this.store.list('replicasets').some((rs) => (rs.status?.readyReplicas ?? 0) !== (rs.status?.availableReplicas ?? 0));
  }

  /** Background cascading deletion: ReplicaSets whose Deployment is gone, Pods whose ReplicaSet is gone. */
  private collectGarbage(): void {
    const orphaned = (object: Obj, owners: Obj[], kind: string): boolean => {
      const ref = (object.metadata.ownerReferences ?? []).find((r: Obj) => r.controller === true && r.kind === kind);
      return ref !== undefined && !owners.some((o) => o.metadata.uid === ref.uid);
    };
    const deployments = this.store.list('deployments');
    for (const rs of this.store.list('replicasets')) {
      if (orphaned(rs, deployments, 'Deployment')) this.store.delete('replicasets', rs.metadata.namespace, rs.metadata.name);
    }
    const sets = this.store.list('replicasets');
    for (const pod of this.store.list('pods')) {
      if (orphaned(pod, sets, 'ReplicaSet')) this.store.delete('pods', pod.metadata.namespace, pod.metadata.name);
    }
  }

  private guard(step: () => void): void {
    try {
      step();
    } catch (error) {
      if (error instanceof ApiError && (error.code === 409 || error.code === 404)) return;
      this.failure = error;
    }
  }
}
