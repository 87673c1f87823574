/**
 * The small HTML pages a browser sees at the end of an OAuth flow. Plain, readable, self-contained; every
 * piece of text that came from outside is escaped; never a stack trace or an opaque reference.
 */
export interface Page {
  status: number;
  html: string;
}

export function escapeHtml(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

function page(status: number, icon: string, title: string, paragraphs: string[]): Page {
  const body = paragraphs.map((p) => `<p>${p}</p>`).join('\n    ');
  return {
    status,
    html: `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>${escapeHtml(title)} · Thread</title>
  <style>
    body { font: 16px/1.5 -apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, sans-serif; color: #1d1c1d;
           background: #f8f8f8; margin: 0; display: flex; min-height: 100vh; align-items: center; justify-content: center; }
    main { background: #fff; max-width: 30rem; padding: 2rem 2.5rem; border-radius: 12px; box-shadow: 0 1px 4px rgba(0,0,0,.1); }
    h1 { font-size: 1.35rem; margin: 0 0 .75rem; }
    code { background: #f1f1f1; padding: .1rem .3rem; border-radius: 4px; white-space: nowrap; }
  </style>
</head>
<body>
  <main>
    <h1>${icon} ${escapeHtml(title)}</h1>
    ${body}
  </main>
</body>
</html>
`,
  };
}

export const pages = {
  connected: (provider: string, account: string) =>
    page(200, '✅', `${provider} is connected`, [
      `Thread is now connected to <strong>${escapeHtml(account)}</strong>.`,
      'You can close this tab and go back to Slack.',
    ]),
  connectedMissingScopes: (provider: { id: string; name: string }, account: string, missing: string[]) =>
    page(200, '⚠️', `${provider.name} is connected without some permissions`, [
      `Thread reached <strong>${escapeHtml(account)}</strong>, but these permissions were not granted: ${missing.map((m) => `<code>${escapeHtml(m)}</code>`).join(', ')}.`,
      `Run <code>/thread reconnect ${escapeHtml(provider.id)}</code> in Slack and approve every permission Thread asks for.`,
    ]),
  cancelled: (provider: string, id: string) =>
    page(200, '↩️', `Connecting ${provider} was cancelled`, [
      `Nothing was changed. When you are ready, run <code>/thread connect ${escapeHtml(id)}</code> in Slack.`,
    ]),
  linkProblem: (id: string, problem: 'missing' | 'unknown' | 'expired' | 'used' | 'wrong_provider') =>
    page(
      400,
      '⏱️',
      problem === 'expired'
        ? 'This link has expired'
        : problem === 'used'
          ? 'This link was already used'
          : 'This link is not valid',
      [
        problem === 'expired'
          ? 'Connect links work for 10 minutes.'
          : problem === 'used'
            ? 'Each connect link works once.'
            : 'The link is incomplete or was not made by Thread.',
        `Run <code>/thread connect ${escapeHtml(id)}</code> in Slack for a new link.`,
      ],
    ),
  providerError: (provider: string, id: string, message: string) =>
    page(502, '⚠️', `${provider} did not connect`, [
      `${escapeHtml(provider)} said: <em>${escapeHtml(message)}</em>`,
      `Nothing was saved. Try again with <code>/thread connect ${escapeHtml(id)}</code>; if it keeps failing, tell whoever runs Thread.`,
    ]),
  installCancelled: () =>
    page(200, '↩️', 'Installing Thread was cancelled', [
      'Nothing was installed. When you are ready, start again at <code>/slack/install</code> on this server.',
    ]),
  installLinkProblem: () =>
    page(400, '⏱️', 'This install link is not valid', [
      'It was already used, has expired, or was opened in a different browser from the one that started the install.',
      'Start again at <code>/slack/install</code> on this server, in one browser.',
    ]),
  installFailed: (status: 500 | 502) =>
    page(status, '⚠️', 'Thread was not installed', [
      status === 502
        ? 'Slack did not complete the install. Please try again in a minute at <code>/slack/install</code>.'
        : 'Something went wrong on our side. Please try again in a minute; if it keeps failing, tell whoever runs Thread.',
    ]),
  notSetUp: (message: string) => page(503, '🛠️', 'Not set up yet', [escapeHtml(message)]),
  unknownProvider: () => page(404, '❓', 'Unknown integration', ['Thread does not know this integration.']),
};
