import { z } from 'zod';
import { hasControlCharacters } from '../../core/actorName.js';

/** A person's name as the actor is named: one line, nothing a record could be forged with. */
export const approverName = z
  .string()
  .min(1)
  .refine((name) => !hasControlCharacters(name), { message: 'expected a name on one line, without control characters' });

export const approvalSchema = z
  .strictObject({
    required_for: z
      .enum(['none', 'high', 'medium', 'all'])
      .default('high')
      .meta({ description: 'Which plans need approval before they run: none, high (high-risk plans), medium (medium or high), all.' }),
    approvers: z
      .array(approverName)
      .default([])
      .meta({
        description: 'Who may approve (as REWIND_USER or git user.email name them). Empty: nobody, so a gated plan needs --auto-approve.',
      }),
    allow_self_approval: z
      .boolean()
      .default(false)
      .meta({ description: 'May the person who asked for a run also approve it?' }),
    allowed_signers: z
      .string()
      .min(1)
      .optional()
      .meta({
        description:
          'An OpenSSH allowed-signers file (as `ssh-keygen -Y verify` reads). When set, an approval counts only if it was signed ' +
          '(`rewind approve RUN --key FILE`) by a key listed there for an identity on approvers; --auto-approve no longer counts.',
      }),
  })
  .meta({ description: 'Who must approve which runs.' });

export type ApprovalConfig = z.infer<typeof approvalSchema>;
