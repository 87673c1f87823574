/**
 * Every action_id and callback_id Thread uses, in one place: listeners register these, views emit them,
 * and a test checks that each emitted id has a listener.
 */
export const ACTIONS = {
  connect: 'connector.connect',
  reconnect: 'connector.reconnect',
  test: 'connector.test',
  disconnect: 'connector.disconnect',
  viewLogs: 'connector.view_logs',
  openLink: 'connector.open_link',
  meetingComplete: 'meeting.complete',
  meetingNotes: 'meeting.notes',
  meetingNext: 'meeting.next',
  completeHandoff: 'handoff.complete',
  workflowEdit: 'workflow.edit',
  workflowRetry: 'workflow.retry',
  milestoneStart: 'milestone.start',
  milestoneDone: 'milestone.done',
  milestoneSkip: 'milestone.skip',
  /** Opens the account view (a modal with its milestones and their buttons). */
  accountOpen: 'account.open',
  templateEdit: 'template.edit',
  /** The Notion database select in its settings modal: choosing one reloads its properties. */
  workflowNotionDatabase: 'workflow.notion_database',
} as const;

export const VIEWS = {
  disconnectConfirm: 'connector.disconnect_confirm',
  logs: 'connector.logs',
  meetingNotes: 'meeting.notes_modal',
  meetingNext: 'meeting.next_modal',
  broadcast: 'broadcast.compose',
  completeHandoff: 'handoff.complete_submit',
  workflowSettings: 'workflow.settings',
  account: 'account.view',
  template: 'template.edit_submit',
} as const;
