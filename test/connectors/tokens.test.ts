/** Token lifecycle: single-flight refresh, retries and recovery, the scheduled refresh, log pruning. */
import { beforeAll, describe, expect, it } from 'vitest';
import { addLog, pruneLogs } from '../../src/domain/connections/logs.js';
import { refreshDueConnections } from '../../src/domain/connections/refresh-job.js';
import { getAccessToken, readTokens } from '../../src/domain/connections/tokens.js';
import { connectionRow, connectVia, dmsTo, useConnectorWorld } from './helpers.js';

const world = useConnectorWorld();
beforeAll(async () => {
  await connectVia(world.app, world.emulators.byId.notion!, 'notion');
});

async function expireNow(provider: string) {
  const row = (await connectionRow(world.app, provider))!;
  const tokens = await readTokens(world.app.thread.services, row);
  await world.app.thread.services.vault.update(
    row.token_secret_id!,
    JSON.stringify({ ...tokens, expiresAt: new Date(Date.now() - 1000).toISOString() }),
  );
  return row;
}

describe('getAccessToken', () => {
  it('200 concurrent callers on an expired connection cause exactly one refresh (rotating provider)', async () => {
    const notion = world.emulators.byId.notion!;
    const row = await expireNow('notion');
    const before = notion.tokenRequests.refresh_token;
    const tokens = await Promise.all(
      Array.from({ length: 200 }, () => getAccessToken(world.app.thread.services, row.id)),
    );
    expect(notion.tokenRequests.refresh_token).toBe(before + 1);
    expect(new Set(tokens.map((t) => t.token)).size).toBe(1);
  });

  it('429s are retried honouring Retry-After; Error shows only when it persists, then recovers by itself', async () => {
    const notion = world.emulators.byId.notion!;
    const services = world.app.thread.services;
    const row = await expireNow('notion');
    for (let i = 0; i < 3; i++) notion.failNext('token', { status: 429, retryAfter: 0 });
    await expect(getAccessToken(services, row.id)).rejects.toMatchObject({ code: 'rate_limited' });
    expect((await connectionRow(world.app, 'notion'))?.status).toBe('connected'); // one failed round: not yet an Error
    for (let i = 0; i < 6; i++) notion.failNext('token', { status: 503 });
    await expect(getAccessToken(services, row.id)).rejects.toMatchObject({ code: 'temporary' });
    await expect(getAccessToken(services, row.id)).rejects.toMatchObject({ code: 'temporary' });
    let current = await connectionRow(world.app, 'notion');
    expect(current?.status).toBe('error');
    expect(current?.error_code).toBe('temporary');
    const home = (await world.app.openHome()).blocks as { text?: { text?: string } }[];
    expect(JSON.stringify(home)).toContain('Provider rate limit or outage — retrying');
    // The provider is back: the scheduled refresh returns the connection to Connected and says so.
    const dmsBefore = dmsTo(world.app, 'UADMIN').length;
    expect(await refreshDueConnections(services)).toMatchObject({ refreshed: 1, failed: 0 });
    current = await connectionRow(world.app, 'notion');
    expect(current?.status).toBe('connected');
    expect(dmsTo(world.app, 'UADMIN').slice(dmsBefore).join('\n')).toContain('*Notion* is working again');
  });

  it('the scheduled refresh renews connections about to expire and leaves fresh ones alone', async () => {
    const notion = world.emulators.byId.notion!;
    const row = await expireNow('notion');
    await world.app.thread.services.db
      .updateTable('connections')
      .set({ expires_at: new Date(Date.now() + 60_000) })
      .where('id', '=', row.id)
      .execute();
    const before = notion.tokenRequests.refresh_token;
    await refreshDueConnections(world.app.thread.services);
    expect(notion.tokenRequests.refresh_token).toBe(before + 1);
    await refreshDueConnections(world.app.thread.services); // now fresh for an hour: nothing to do
    expect(notion.tokenRequests.refresh_token).toBe(before + 1);
  });
});

describe('the troubleshooting table, as users see it', () => {
  it('our app credentials rejected → Setup problem at once, with a DM; never "reconnect"', async () => {
    const notion = world.emulators.byId.notion!;
    const row = await expireNow('notion');
    notion.failNext('token', {
      status: 401,
      body: { error: 'invalid_client', error_description: 'bad secret' },
    });
    const dmsBefore = dmsTo(world.app, 'UADMIN').length;
    await expect(getAccessToken(world.app.thread.services, row.id)).rejects.toMatchObject({
      code: 'invalid_config',
    });
    expect(await connectionRow(world.app, 'notion')).toMatchObject({
      status: 'error',
      error_code: 'invalid_config',
    });
    expect(dmsTo(world.app, 'UADMIN').slice(dmsBefore).join('\n')).toContain('*Setup problem*');
    await refreshDueConnections(world.app.thread.services); // not retried as if it were an outage
    expect((await connectionRow(world.app, 'notion'))?.status).toBe('error');
    await world.app.thread.services.db
      .updateTable('connections')
      .set({ status: 'connected', error_code: null })
      .execute();
  });

  it('not found → the state does not change', async () => {
    const row = await connectionRow(world.app, 'notion');
    await getAccessToken(world.app.thread.services, row!.id, { force: true });
    world.emulators.byId.notion!.failNext('api', {
      status: 404,
      body: { object: 'error', status: 404, code: 'object_not_found', message: 'gone' },
    });
    const reply = await world.app.commandReply('test notion');
    expect(JSON.stringify(reply)).toContain('Not found');
    expect((await connectionRow(world.app, 'notion'))?.status).toBe('connected');
  });
});

describe('scheduled jobs', () => {
  it('integration logs older than 30 days are pruned', async () => {
    const services = world.app.thread.services;
    await addLog(services, {
      teamId: world.app.teamId,
      provider: 'notion',
      level: 'info',
      event: 'test',
      message: 'old one',
    });
    await services.db
      .updateTable('integration_logs')
      .set({ created_at: new Date(Date.now() - 31 * 86400_000) })
      .where('message', '=', 'old one')
      .execute();
    expect(await pruneLogs(services)).toBeGreaterThanOrEqual(1);
    const left = await services.db.selectFrom('integration_logs').select('message').execute();
    expect(left.map((l) => l.message)).not.toContain('old one');
    expect(left.length).toBeGreaterThan(0);
  });
});
