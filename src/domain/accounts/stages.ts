import type { AccountStage } from '../../app/db-types.js';

/**
 * Stages in which an account is still being onboarded: these count against a CSM's capacity. Once an
 * account is live (or closed without going live) its CSM has room again.
 */
export const OPEN_STAGES: readonly AccountStage[] = ['new', 'onboarding'];
