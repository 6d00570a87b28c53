/**
 * Deployment conditions as deploymentutil handles them (NewDeploymentCondition, SetDeploymentCondition), and the
 * clock the progress deadline is measured with. Conditions carry RFC 3339 times to the second, as the real ones do;
 * the controller remembers the precise moment behind each lastUpdateTime so that short deadlines (and a scaled
 * test clock) are measured exactly.
 */
import { timestamp } from './store.js';

type Obj = Record<string, any>;

export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  lastUpdateTime: string;
  lastTransitionTime: string;
  reason: string;
  message: string;
}

export const REASONS = {
  newRSCreated: 'NewReplicaSetCreated',
  foundNewRS: 'FoundNewReplicaSet',
  rsUpdated: 'ReplicaSetUpdated',
  newRSAvailable: 'NewReplicaSetAvailable',
  timedOut: 'ProgressDeadlineExceeded',
  paused: 'DeploymentPaused',
  resumed: 'DeploymentResumed',
  minimumAvailable: 'MinimumReplicasAvailable',
  minimumUnavailable: 'MinimumReplicasUnavailable',
} as const;

export class ControllerClock {
  private readonly marks = new Map<string, number>();

  /** `secondsScale`: how long one second of the API (progressDeadlineSeconds, minReadySeconds) lasts, in real seconds. */
  constructor(private readonly secondsScale = 1) {}

  now(): number {
    return Date.now();
  }

  msPerSecond(): number {
    return 1000 * this.secondsScale;
  }

  /** An RFC 3339 time (to the second) for now; the precise moment is remembered under `key`. */
  stamp(key: string): string {
    const at = this.now();
    const stamp = timestamp(at);
    this.marks.set(`${key}@${stamp}`, at);
    return stamp;
  }

  /** The moment behind a stamp, to the millisecond when this clock made it. */
  when(key: string, stamp: string): number {
    return this.marks.get(`${key}@${stamp}`) ?? Date.parse(stamp);
  }

  /** When `key` was first asked about: the kubelet's idea of when it first saw a pod. */
  firstSeen(key: string): number {
    const seen = this.marks.get(key) ?? this.now();
    this.marks.set(key, seen);
    return seen;
  }

  /** A new condition for the object `uid`, stamped now. */
  condition(uid: string, type: string, status: Condition['status'], reason: string, message: string): Condition {
    const stamp = this.stamp(`${uid}/${type}`);
    return { type, status, lastUpdateTime: stamp, lastTransitionTime: stamp, reason, message };
  }

  /** When the condition was last updated. */
  updatedAt(uid: string, condition: Condition): number {
    return this.when(`${uid}/${condition.type}`, condition.lastUpdateTime);
  }
}

export function getCondition(status: Obj | undefined, type: string): Condition | undefined {
  return (status?.conditions ?? []).find((c: Condition) => c.type === type);
}

export function removeCondition(status: Obj, type: string): void {
  status.conditions = (status.conditions ?? []).filter((c: Condition) => c.type !== type);
}

/** SetDeploymentCondition: nothing when status and reason are unchanged; the transition time kept when status is. */
export function setCondition(status: Obj, condition: Condition): void {
  const current = getCondition(status, condition.type);
  if (current && current.status === condition.status && current.reason === condition.reason) return;
  const next = { ...condition };
  if (current && current.status === condition.status) next.lastTransitionTime = current.lastTransitionTime;
  status.conditions = [...(status.conditions ?? []).filter((c: Condition) => c.type !== condition.type), next];
}
