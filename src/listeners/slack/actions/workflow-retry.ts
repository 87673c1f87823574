import type { App, BlockAction, ButtonAction } from '@slack/bolt';
import type { Services } from '../../../app/services.js';
import { publishHome } from '../../../domain/connections/home.js';
import { HANDOFF_STEP_JOB } from '../../../domain/workflows/handoff.js';
import { retryRun } from '../../../domain/workflows/runs.js';
import { ACTIONS } from '../../../views/ids.js';
import { managerOrSayWho } from './managers-only.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const ANSWER = {
  retrying: 'Retrying that handoff: the steps that succeeded are kept, the failed one runs again.',
  running: 'That handoff is already running (its failed step is being retried): nothing to do.',
  completed: 'That handoff already completed: nothing to retry.',
  'not found': 'Thread does not know that handoff run: it may have been removed. Refresh this tab.',
} as const;

/** Retry on a failed run in App Home: managers only; the answer shows at the top of their Home tab. */
export function registerWorkflowRetryAction(app: App, services: Services): void {
  app.action<BlockAction>(ACTIONS.workflowRetry, async ({ ack, body, context }) => {
    await ack();
    const teamId = context.teamId;
    if (!teamId) return;
    const userId = body.user.id;
    if (!(await managerOrSayWho(services, teamId, userId, `retry handoffs`))) return;
    // The button's value is untrusted: a run id of this team, or nothing.
    const runId = (body.actions[0] as ButtonAction | undefined)?.value ?? '';
    const outcome = UUID.test(runId)
      ? await retryRun(services, teamId, runId, HANDOFF_STEP_JOB)
      : 'not found';
    await publishHome(services, teamId, userId, ANSWER[outcome]);
  });
}
