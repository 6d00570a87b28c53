import { Option, type Command } from 'commander';
import { RewindError } from '../../core/errors.js';
import { requirePhase } from '../../core/pipeline/phaseLookup.js';
import { ROLLBACK_TRIGGERS, type RollbackTrigger } from '../../core/pipeline/phases.js';
import { checkPhaseRollbackRequest, type PhaseRollbackRequest } from '../../core/pipeline/planPhaseRollback.js';
import { advancePhase } from '../../operations/pipeline/advancePhase.js';
import { loadPipeline, withPipeline, type PipelineSetup } from '../../wiring/openPipeline.js';
import { phaseContext, pipelineStatus } from '../../operations/pipeline/pipelineStatus.js';
import { applyPhaseRollback, preparePhaseRollback } from '../../operations/pipeline/rollbackPhases.js';
import { confirmChange } from '../confirm.js';
import { globalsOf } from '../context.js';
import { out, printJson, type CliIO, type GlobalOptions } from '../io.js';
import { advanceJson, advanceText, rollbackJson, rollbackText, statusJson, statusText } from '../views/pipelineView.js';

interface RollbackOptions {
  from: string;
  to: string;
  reason: string;
  trigger: RollbackTrigger;
  revise: string[];
  yes?: boolean;
  overrideEscalation?: boolean;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

function setupFor(io: CliIO, globals: GlobalOptions): Promise<PipelineSetup> {
  return loadPipeline({ cwd: io.cwd, configFile: globals.config, processEnv: io.env });
}

/** `rewind pipeline ...`: the phase rollback protocol of seed 004. */
export function registerPipeline(program: Command, io: CliIO): void {
  const pipeline = program.command('pipeline').description('roll a multi-phase pipeline back to an earlier phase, and see where it stands');

  pipeline
    .command('rollback')
    .description('send the pipeline back to an earlier phase: record, invalidate the phases in between, hand the target a re-entry context')
    .requiredOption('--from <phase>', 'the phase that found the problem (the furthest phase reached)')
    .requiredOption('--to <phase>', 'the earlier phase to go back to')
    .requiredOption('--reason <text>', 'why, specifically: it goes into the record, the decision log and the re-entry context')
    .addOption(new Option('--trigger <kind>', 'what caused it').choices(ROLLBACK_TRIGGERS).default('user'))
    .addOption(
      new Option('--revise <text>', 'a section or component that needs revision (repeat for several)')
        .argParser(collect)
        .default([], 'none'),
    )
    .option('--yes', 'confirm a rollback of more than two phases without asking')
    .option('--override-escalation', 'allow a third rollback to the same phase (pipeline.approvers only)')
    .action(async (options: RollbackOptions, command: Command) => {
      const globals = globalsOf(command);
      const setup = await setupFor(io, globals);
      const request: PhaseRollbackRequest = {
        from: options.from, to: options.to, reason: options.reason, trigger: options.trigger,
        revisionTargets: options.revise, overrideEscalation: options.overrideEscalation === true, actor: setup.user,
      };
      // Bad input is refused here, before the ledger is opened: nothing is written.
      checkPhaseRollbackRequest(setup.definition, request);
      await withPipeline(setup, async (deps) => {
        const prepared = await preparePhaseRollback(deps, request);
        const { plan } = prepared;
        if (plan.needsConfirmation) {
          const question =
            `Roll the pipeline back from ${plan.from} to ${plan.to}, ` +
            `marking ${plan.phases.length} phases ROLLED_BACK (${plan.phases.join(', ')})?`;
          if (!(await confirmChange(io, question, options.yes === true, 'PHASE_CONFIRMATION_NEEDED'))) {
            throw new RewindError('CANCELLED', `pipeline rollback ${plan.from} -> ${plan.to} cancelled: nothing was changed`);
          }
        }
        const result = await applyPhaseRollback(deps, prepared);
        if (globals.json) printJson(io, rollbackJson(result));
        else if (!globals.quiet) out(io, rollbackText(result));
      });
    });

  pipeline
    .command('status')
    .description('every phase with its status and how often the pipeline came back to it')
    .action(async (_options: unknown, command: Command) => {
      const globals = globalsOf(command);
      const status = await withPipeline(await setupFor(io, globals), (deps) => pipelineStatus(deps));
      if (globals.json) printJson(io, statusJson(status));
      else if (!globals.quiet) out(io, statusText(status));
    });

  pipeline
    .command('advance')
    .description('mark the phase in progress done and start the next one')
    .argument('<phase>', 'the phase in progress, e.g. P4')
    .action(async (phase: string, _options: unknown, command: Command) => {
      const globals = globalsOf(command);
      const setup = await setupFor(io, globals);
      requirePhase(setup.definition, phase, 'advance');
      const result = await withPipeline(setup, (deps) => advancePhase(deps, phase));
      if (globals.json) printJson(io, advanceJson(result));
      else if (!globals.quiet) out(io, advanceText(result));
    });

  pipeline
    .command('context')
    .description('print the re-entry context of a phase: why the pipeline came back, what to revise, what earlier attempts produced')
    .argument('<phase>', 'the phase, e.g. P4')
    .action(async (phase: string, _options: unknown, command: Command) => {
      const globals = globalsOf(command);
      const setup = await setupFor(io, globals);
      requirePhase(setup.definition, phase, 'context');
      const text = await withPipeline(setup, (deps) => phaseContext(deps, phase));
      if (globals.json) printJson(io, { phase, context: text });
      else if (!globals.quiet) out(io, text);
    });
}
