import { BerthError } from '../errors/berth-error.js';
import type { Containerfile, Instruction } from './instructions.js';
import { ContainerfileSyntaxError } from './containerfile-syntax-error.js';
import { ShellLex } from './shell-lex.js';

type FromInstruction = Extract<Instruction, { kind: 'FROM' }>;
type ArgInstruction = Extract<Instruction, { kind: 'ARG' }>;

export interface Stage {
  index: number;
  /** `AS name`, lower case */
  name?: string;
  from: FromInstruction;
  /** the instructions after FROM */
  body: Instruction[];
}

export interface BuildPlan {
  globalArgs: ArgInstruction[];
  stages: Stage[];
  /** index of the stage whose image the build produces */
  target: number;
  /** indexes of the stages the target needs (itself included), in file order */
  needed: number[];
}

/**
 * Split a Containerfile into stages and pick those the target needs: a stage is needed when
 * the target (transitively) builds FROM it or COPY --from's it. Others are skipped, as
 * BuildKit does. `globals` expands `FROM ${BASE}` and `--from=${STAGE}` for this analysis.
 */
export function planStages(cf: Containerfile, target: string | undefined, globals: (name: string) => string | undefined): BuildPlan {
  const globalArgs: ArgInstruction[] = [];
  const stages: Stage[] = [];
  for (const ins of cf.instructions) {
    if (ins.kind === 'FROM') {
      stages.push({ index: stages.length, ...(ins.stageName ? { name: ins.stageName } : {}), from: ins, body: [] });
    } else if (stages.length === 0) {
      if (ins.kind !== 'ARG') {
        throw new ContainerfileSyntaxError({
          file: cf.file,
          line: ins.line,
          reason: `no build stage in current context: ${ins.kind} must come after FROM`,
          instruction: ins.original,
        });
      }
      globalArgs.push(ins);
    } else (stages[stages.length - 1] as Stage).body.push(ins);
  }
  if (stages.length === 0) throw new ContainerfileSyntaxError({ file: cf.file, line: 1, reason: 'the Containerfile has no FROM instruction' });
  const seen = new Set<string>();
  for (const s of stages) {
    if (s.name !== undefined) {
      if (seen.has(s.name))
        throw new ContainerfileSyntaxError({ file: cf.file, line: s.from.line, reason: `duplicate stage name "${s.name}"`, instruction: s.from.original });
      seen.add(s.name);
    }
  }
  let targetIndex = stages.length - 1;
  if (target !== undefined) {
    const t = stages.find((s) => s.name === target.toLowerCase());
    if (!t) throw new BerthError('NotFound', `target stage "${target}" could not be found`);
    targetIndex = t.index;
  }
  const lex = new ShellLex(cf.escape, globals);
  const needed = new Set<number>();
  const visit = (i: number) => {
    if (needed.has(i)) return;
    needed.add(i);
    const s = stages[i] as Stage;
    const base = stageRef(stages, lex.word(s.from.image), i);
    if (base !== undefined) visit(base);
    for (const ins of s.body) {
      if ((ins.kind === 'COPY' || ins.kind === 'ADD') && ins.flags['from'] !== undefined) {
        const dep = stageRef(stages, lex.word(ins.flags['from']), i);
        if (dep !== undefined) visit(dep);
      }
      // RUN --mount=…,from=STAGE reads that stage too
      if (ins.kind === 'RUN' && ins.flags['mount'] !== undefined) {
        for (const m of ins.flags['mount'].split('\n')) {
          const from = /(?:^|,)from=([^,]+)/.exec(m)?.[1];
          const dep = from === undefined ? undefined : stageRef(stages, lex.word(from), i);
          if (dep !== undefined) visit(dep);
        }
      }
    }
  };
  visit(targetIndex);
  return { globalArgs, stages, target: targetIndex, needed: [...needed].sort((a, b) => a - b) };
}

/** The earlier stage a name or number refers to, or undefined when it names an image. */
export function stageRef(stages: readonly Stage[], ref: string, before: number): number | undefined {
  const lower = ref.toLowerCase();
  const byName = stages.find((s) => s.name === lower && s.index < before);
  if (byName) return byName.index;
  if (/^\d+$/.test(ref)) {
    const n = Number(ref);
    if (n < before) return n;
    throw new BerthError('InvalidArgument', `invalid --from: stage ${n} is not an earlier stage`);
  }
  return undefined;
}
