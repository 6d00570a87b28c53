import { z } from 'zod';
import { boundedDuration } from '../../core/configParts.js';

/** A Kubernetes object name (DNS-1123 subdomain, as Deployments and ConfigMaps take). */
const OBJECT_NAME = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;
const objectName = (what: string) =>
  z.string().regex(OBJECT_NAME, `expected a Kubernetes ${what} name: lowercase letters, digits, '-' and '.', at most 253`);

export const kubernetesSchema = z
  .strictObject({
    kubeconfig: z.string().optional().meta({ description: 'The kubeconfig file; default: KUBECONFIG, else ~/.kube/config.' }),
    context: z.string().optional().meta({ description: "The kubeconfig's context; default: its current context." }),
    namespace: objectName('namespace').optional()
      .meta({ description: "The Deployment's namespace; default: the context's, else default." }),
    deployment: objectName('Deployment').meta({ description: 'The Deployment that is rolled out and back.' }),
    container: objectName('container').optional()
      .meta({ description: "The container whose image carries the version; default: the template's first." }),
    image: z.string().meta({ description: 'The image a version runs, with {version}: "registry.example.com/shop:{version}".' }),
    timeout: boundedDuration('rolloutTimeout').prefault('5m')
      .meta({ description: 'How long a rollout may take before it counts as failed.' }),
    config_maps: z.array(objectName('ConfigMap')).default([]).meta({
      description: 'ConfigMaps recorded with each verified release and restored with it on a rollback (content in state.dir).',
    }),
  })
  .meta({ description: 'The kubernetes driver: one Deployment, rolled out to an image and back to a verified revision.' });

export type KubernetesConfig = z.infer<typeof kubernetesSchema>;
