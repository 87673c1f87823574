/**
 * Bolt's InstallationStore over our database: the Installation object (which carries the bot token)
 * is sealed whole in the vault; the `installations` row keeps only non-secret facts and the vault UUID.
 */
import type { Installation, InstallationQuery, InstallationStore } from '@slack/bolt';
import type { Kysely } from 'kysely';
import type { DB } from './db-types.js';
import type { TokenVault } from './vault.js';

export function installKey(q: {
  isEnterpriseInstall?: boolean;
  enterpriseId?: string;
  teamId?: string;
}): string {
  if (q.isEnterpriseInstall && q.enterpriseId) return `E:${q.enterpriseId}`;
  if (q.teamId) return `T:${q.teamId}`;
  throw new Error('An installation needs a team or an enterprise id.');
}

export function createInstallationStore(db: Kysely<DB>, vault: TokenVault): InstallationStore {
  return {
    async storeInstallation(installation: Installation) {
      const key = installKey({
        isEnterpriseInstall: installation.isEnterpriseInstall,
        enterpriseId: installation.enterprise?.id,
        teamId: installation.team?.id,
      });
      const sealedJson = JSON.stringify(installation);
      await db.transaction().execute(async (trx) => {
        const existing = await trx
          .selectFrom('installations')
          .select(['id', 'bot_token_secret_id'])
          .where('install_key', '=', key)
          .forUpdate()
          .executeTakeFirst();
        const facts = {
          team_id: installation.team?.id ?? null,
          team_name: installation.team?.name ?? null,
          enterprise_id: installation.enterprise?.id ?? null,
          is_enterprise_install: Boolean(installation.isEnterpriseInstall),
          bot_user_id: installation.bot?.userId ?? null,
          bot_id: installation.bot?.id ?? null,
          bot_scopes: installation.bot?.scopes?.join(' ') ?? null,
          installed_by: installation.user?.id ?? null,
          updated_at: new Date(),
        };
        if (existing) {
          await vault.update(existing.bot_token_secret_id, sealedJson, trx);
          await trx.updateTable('installations').set(facts).where('id', '=', existing.id).execute();
        } else {
          const secretId = await vault.put(sealedJson, 'slack-installation', trx);
          await trx
            .insertInto('installations')
            .values({ ...facts, install_key: key, bot_token_secret_id: secretId })
            .execute();
        }
      });
    },

    async fetchInstallation(query: InstallationQuery<boolean>) {
      const row = await db
        .selectFrom('installations')
        .select('bot_token_secret_id')
        .where('install_key', '=', installKey(query))
        .executeTakeFirst();
      if (!row) throw new Error(`Thread is not installed in ${installKey(query)}.`);
      return JSON.parse(await vault.get(row.bot_token_secret_id)) as Installation;
    },

    async deleteInstallation(query: InstallationQuery<boolean>) {
      await db.transaction().execute(async (trx) => {
        const row = await trx
          .deleteFrom('installations')
          .where('install_key', '=', installKey(query))
          .returning('bot_token_secret_id')
          .executeTakeFirst();
        if (row) await vault.delete(row.bot_token_secret_id, trx);
      });
    },
  };
}
