/**
 * Text that goes into Slack mrkdwn. Anything that came from outside Thread (CRM names, Notion titles,
 * provider error messages, user input) goes through `escapeText` so `<!channel>` or `<https://evil|ok>`
 * renders as plain text and pings or links no one.
 */
export function escapeText(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Command text as the person typed it: Slack sends a typed `<`, `>` and `&` as entities. */
export function asTyped(commandText: string): string {
  return commandText.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/**
 * Something a person typed, quoted back in a message: the one way user input is echoed. Slack's own
 * escaping of command text (`&lt;` for a typed `<`) is undone, the text is cut to `max` characters,
 * escaped, and put in a code span whose backticks it cannot close — so `<!channel>` pings no one,
 * `<@U123>` mentions no one, `<http://x|y>` links nowhere and `*b*` stays as typed.
 */
export function quoteInput(input: string, max = 40): string {
  const typed = asTyped(input);
  const cut = typed.length > max ? `${typed.slice(0, max)}…` : typed;
  return `\`${escapeText(cut.replace(/`/g, "'"))}\``;
}

/** Trims text to Slack's limits with an ellipsis, never splitting an escape sequence. */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, max - 1);
  const amp = cut.lastIndexOf('&');
  if (amp !== -1 && amp > cut.length - 6 && !cut.slice(amp).includes(';')) cut = cut.slice(0, amp);
  return `${cut}…`;
}

export function userMention(userId: string): string {
  return /^[UW][A-Z0-9]+$/.test(userId) ? `<@${userId}>` : escapeText(userId);
}

/** "<!date^…>" renders in each reader's own time zone; the fallback is UTC. */
export function slackDate(date: Date, format = '{date_short_pretty} at {time}'): string {
  const seconds = Math.floor(date.getTime() / 1000);
  const fallback = `${date.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  return `<!date^${seconds}^${format}|${fallback}>`;
}
