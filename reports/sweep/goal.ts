/** Whether a sweep's objective and constraints name figures and plans that exist. */
import { FIGURES, FLEET_PLAN } from '../compare/figures.ts';
import type { SweepGoal } from './sweep-results.ts';

const figureById = new Map(FIGURES.map((figure) => [figure.id, figure]));

/** Problems with a goal's figures and plans (unknown figure, a plan without it), for the sweep file's user. */
export function goalProblems(goal: SweepGoal, plans: readonly string[]): { readonly where: string; readonly message: string }[] {
  const problems: { where: string; message: string }[] = [];
  const check = (where: string, figureId: string, plan: string) => {
    const figure = figureById.get(figureId);
    if (figure === undefined) problems.push({ where, message: `unknown figure "${figureId}": a compare.csv metric such as gross_margin, revenue_total, relax_wait_p95 or churned (the list: docs/SWEEPS.md)` });
    else if (plan === FLEET_PLAN && figure.fleet === undefined) problems.push({ where, message: `${figureId} has no fleet-wide value: name a plan (${plans.join(', ')})` });
    else if (plan !== FLEET_PLAN && !plans.includes(plan)) problems.push({ where, message: `unknown plan "${plan}"; one of ${plans.join(', ')} or ${FLEET_PLAN}` });
    else if (plan !== FLEET_PLAN && figure.id === 'utilization') problems.push({ where, message: `${figureId} is fleet-wide: plan ${FLEET_PLAN}` });
  };
  check('objective', goal.objective.figure, goal.objective.plan);
  goal.constraints.forEach((constraint, index) => check(`constraints.${index}`, constraint.figure, constraint.plan));
  return problems;
}

