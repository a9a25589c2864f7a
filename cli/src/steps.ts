/** Each action's step, as its main.ts runs it on the runner. */
import type { Step } from '@switchyard/kit';
import { step as buildImage } from '../../actions/build-image/src/step.js';
import { step as deployBluegreen } from '../../actions/deploy-bluegreen/src/step.js';
import { step as monitorWindow } from '../../actions/monitor-window/src/step.js';
import { step as qualityGate } from '../../actions/quality-gate/src/step.js';
import { step as rollback } from '../../actions/rollback/src/step.js';
import { step as smokeTest } from '../../actions/smoke-test/src/step.js';
import type { ActionName } from './definitions.js';

export const STEPS: Readonly<Record<ActionName, Step>> = {
  'quality-gate': qualityGate,
  'build-image': buildImage,
  'deploy-bluegreen': deployBluegreen,
  'smoke-test': smokeTest,
  'monitor-window': monitorWindow,
  rollback,
};
