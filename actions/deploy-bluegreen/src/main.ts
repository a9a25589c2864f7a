/** Composition root of deploy-bluegreen on the GitHub runner: the runner's IO around the shared step (step.ts). */
import { runAction } from '@switchyard/kit';
import { actionsIO } from '@switchyard/kit/actions';
import { step } from './step.js';

export async function main(): Promise<void> {
  const { io, secrets } = actionsIO();
  await runAction('deploy-bluegreen', io, () => step(io, secrets, process.env));
}
