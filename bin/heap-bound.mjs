// How much V8 heap the jcgraph command runs with. Plain JavaScript: the launcher decides before the CLI loads.
//
// Node sizes its heap from the machine's memory or the container's limit: about half of a 2 GiB
// container, too little for `diff` on a 100,000-user organization (it holds two), and on a large machine
// 4 GiB collected lazily, so that RSS grows with postponed garbage. When a memory budget is known (the
// container's limit, or JCGRAPH_MEMORY_MIB) and the user gave no --max-old-space-size, jcgraph runs with
// HEAP_SHARE of that budget as its heap bound; otherwise it leaves Node's choice alone.

const MiB = 1024 * 1024;

/** The share of the memory budget given to V8's old space; the rest is for code, buffers and young space. */
export const HEAP_SHARE = 0.75;

/** Set in the relaunched process, so that it never relaunches again. */
export const RELAUNCHED_ENV = 'JCGRAPH_HEAP_BOUND_SET';

export class MemoryBudgetError extends Error {
  name = 'MemoryBudgetError';
}

/**
 * The heap bound in MiB to relaunch with, or undefined to run as started: when the user set one
 * (--max-old-space-size in the node arguments or NODE_OPTIONS), when no budget is known, or when the
 * bound would be within a tenth of the current limit.
 *
 * @param {{ env: Record<string, string | undefined>, execArgv: readonly string[], totalBytes: number, constrainedBytes: number, heapLimitBytes: number }} facts
 * @returns {number | undefined}
 */
export function heapBoundMiB({ env, execArgv, totalBytes, constrainedBytes, heapLimitBytes }) {
  if (env[RELAUNCHED_ENV] === '1') return undefined;
  if ([...execArgv, env.NODE_OPTIONS ?? ''].some((a) => a.includes('--max-old-space-size'))) return undefined;
  let budgetMiB;
  const declared = env.JCGRAPH_MEMORY_MIB;
  if (declared !== undefined && declared.trim() !== '') {
    budgetMiB = Number(declared);
    if (!Number.isFinite(budgetMiB) || budgetMiB < 256) {
      throw new MemoryBudgetError(`JCGRAPH_MEMORY_MIB must be the memory jcgraph may use, in MiB (at least 256), not "${declared}".`);
    }
  } else if (constrainedBytes > 0 && constrainedBytes < totalBytes) {
    budgetMiB = constrainedBytes / MiB;
  } else {
    return undefined;
  }
  const bound = Math.floor(budgetMiB * HEAP_SHARE);
  const current = heapLimitBytes / MiB;
  return Math.abs(bound - current) > current * 0.1 ? bound : undefined;
}
