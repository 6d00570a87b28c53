import { z } from 'zod';
import { NAME_PATTERN } from '../../core/configParts.js';
import { approverName } from './approval.js';

// Phase ids name directories under pipeline.dir, so they get the same rules as app names.
const phaseId = z
  .string()
  .regex(NAME_PATTERN, 'expected a phase id of up to 64 letters, digits, "_" or "-", starting with a letter or digit (e.g. P1)');

const phaseSchema = z
  .strictObject({
    id: phaseId.meta({ description: 'Short id, also the name of the phase\'s directory under pipeline.dir: P1, P2, ...' }),
    name: z.string().min(1).meta({ description: 'What the phase is: requirements, design, implementation, ...' }),
  })
  .meta({ description: 'One phase, in pipeline order.' });

const pathSchema = z
  .strictObject({
    from: phaseId.meta({ description: 'The phase a rollback starts from.' }),
    to: phaseId.meta({ description: 'The earlier phase it goes back to.' }),
  })
  .meta({ description: 'One allowed rollback.' });

export const pipelineSchema = z
  .strictObject({
    dir: z
      .string()
      .default('.pipeline')
      .meta({
        description:
          'Holds one directory per phase (<dir>/<id>/) with its artifacts, plus state.yaml and decisions.md; ' +
          'relative to the config file. Pipeline commands may write here (never to an artifact).',
      }),
    phases: z
      .array(phaseSchema, { error: 'expected a list of phases such as [{ id: P1, name: requirements }, { id: P2, name: design }]' })
      .min(2, 'expected at least two phases')
      .meta({ description: 'The phases in order, each { id, name }: [{ id: P1, name: requirements }, { id: P2, name: design }, ...].' }),
    paths: z
      .array(pathSchema)
      .optional()
      .meta({ description: 'The only rollbacks allowed, as { from, to } pairs; without it any earlier phase is a valid target.' }),
    approvers: z
      .array(approverName)
      .default([])
      .meta({ description: 'Who may pass --override-escalation (as REWIND_USER or git user.email name them).' }),
  })
  .superRefine((pipeline, ctx) => {
    const ids = pipeline.phases.map((phase) => phase.id);
    ids.forEach((id, index) => {
      if (ids.indexOf(id) !== index) {
        ctx.addIssue({ code: 'custom', path: ['phases', index, 'id'], message: `phase id "${id}" is used twice` });
      }
    });
    pipeline.paths?.forEach((path, index) => {
      for (const end of ['from', 'to'] as const) {
        if (!ids.includes(path[end])) {
          ctx.addIssue({
            code: 'custom',
            path: ['paths', index, end],
            message: `unknown phase "${path[end]}" (expected one of: ${ids.join(', ')})`,
          });
        }
      }
      if (ids.includes(path.from) && ids.includes(path.to) && ids.indexOf(path.to) >= ids.indexOf(path.from)) {
        ctx.addIssue({
          code: 'custom',
          path: ['paths', index, 'to'],
          message: `a rollback path goes back: ${path.to} is not earlier than ${path.from}`,
        });
      }
    });
  })
  .meta({ description: 'A multi-phase pipeline whose later phases can send work back to an earlier one (`rewind pipeline`).' });

export type PipelineConfig = z.infer<typeof pipelineSchema>;
