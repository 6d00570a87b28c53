import { z } from 'zod';

export const approvalSchema = z
  .strictObject({
    required_for: z
      .enum(['none', 'high', 'medium', 'all'])
      .default('high')
      .meta({ description: 'Which plans need approval before they run: none, high (high-risk plans), medium (medium or high), all.' }),
    approvers: z
      .array(z.string().min(1))
      .default([])
      .meta({
        description: 'Who may approve (as REWIND_USER or git user.email name them). Empty: nobody, so a gated plan needs --auto-approve.',
      }),
    allow_self_approval: z
      .boolean()
      .default(false)
      .meta({ description: 'May the person who asked for a run also approve it?' }),
  })
  .meta({ description: 'Who must approve which runs.' });

export type ApprovalConfig = z.infer<typeof approvalSchema>;
