/**
 * Where a run can be made to stop dead, for tests of resume: the engine calls
 * it before and after each step; exec/faults builds one from
 * REWIND_FAULT_KILL_AT. Never set in normal use.
 */
export type BoundaryHook = (index: number, phase: 'before' | 'after') => void;
