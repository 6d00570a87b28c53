import { z } from 'zod';

export const stateSchema = z
  .strictObject({
    backend: z
      .enum(['sqlite', 'postgres'])
      .default('sqlite')
      .meta({ description: 'sqlite: a file under state.dir (zero set-up); postgres: a shared ledger.' }),
    url: z.string().optional().meta({ description: 'PostgreSQL connection string (postgres only); REWIND_DATABASE_URL overrides.' }),
    dir: z.string().default('.rewind').meta({ description: 'Ledger file, reports, audit log and plans, relative to the config file.' }),
  })
  .meta({ description: 'Where the ledger and reports live.' });

export type StateConfig = z.infer<typeof stateSchema>;
