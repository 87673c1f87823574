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
  completeHandoff: 'handoff.complete',
} as const;

export const VIEWS = {
  disconnectConfirm: 'connector.disconnect_confirm',
  logs: 'connector.logs',
  broadcast: 'broadcast.compose',
  completeHandoff: 'handoff.complete_submit',
} as const;
