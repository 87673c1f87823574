/**
 * Writing the account back to its Notion row: the properties the team mapped to the onboarding stage
 * and the CSM, in one `pages.update` (`PATCH /v1/pages/{page_id}`:
 * https://developers.notion.com/reference/patch-page) — idempotent, so a retry doubles nothing. What is
 * not mapped is skipped.
 *
 * A property value must match its type in the data source's schema, so the schema is read first
 * (`dataSources.retrieve`, https://developers.notion.com/reference/retrieve-a-data-source): a status or
 * select takes `{ name }`, text takes rich text. A status option must already exist (Notion cannot add
 * status options through the API); a mapped property that is gone or of a type Thread cannot write comes back
 * as missing, with words saying what to fix.
 */
import type { DealWriteBack } from '../types.js';
import { notionClient } from './client.js';

/** Thread's stage ids as the option names people are likely to have in Notion. */
const STAGE_NAMES: Record<string, string> = {
  new: 'New',
  onboarding: 'Onboarding',
  live: 'Live',
  closed: 'Closed',
};

type Schema = Record<string, { type: string; status?: { options: { name: string }[] } }>;

export const notionWriteBack: DealWriteBack = {
  async write(ctx, pageId, values, options) {
    const o = options.notion;
    if (!o || (!o.stageProperty && !o.csmProperty)) return { written: true };
    const client = await notionClient({ auth: ctx.accessToken, apiUrl: ctx.apiUrl });
    const source = await client.dataSources.retrieve({ data_source_id: o.databaseId });
    const schema = source.properties as unknown as Schema;
    const properties: Record<string, unknown> = {};
    const problems: string[] = [];
    if (o.stageProperty) {
      const name = STAGE_NAMES[values.onboardingStage] ?? values.onboardingStage;
      const p = schema[o.stageProperty];
      if (p?.type === 'status') {
        if (!p.status?.options.some((opt) => opt.name === name)) {
          problems.push(`the status property “${o.stageProperty}” needs an option named “${name}”`);
        } else properties[o.stageProperty] = { status: { name } };
      } else if (p?.type === 'select') properties[o.stageProperty] = { select: { name } };
      else if (p?.type === 'rich_text') properties[o.stageProperty] = { rich_text: text(name) };
      else problems.push(missing(o.stageProperty, 'a Status, Select or Text property', p?.type));
    }
    if (o.csmProperty) {
      const p = schema[o.csmProperty];
      if (p?.type === 'rich_text')
        properties[o.csmProperty] = { rich_text: values.csm ? text(values.csm) : [] };
      else if (p?.type === 'email') properties[o.csmProperty] = { email: values.csm };
      else problems.push(missing(o.csmProperty, 'a Text or Email property', p?.type));
    }
    if (problems.length) {
      return {
        written: false,
        missing: [o.stageProperty, o.csmProperty].filter((f): f is string => Boolean(f)),
        fix: `Thread cannot write to the Notion database: ${problems.join('; ')}. Fix it in Notion, or change the mapping in App Home → Workflows → Notion.`,
      };
    }
    await client.pages.update({ page_id: pageId, properties: properties as never });
    return { written: true };
  },
};

function missing(name: string, wanted: string, found: string | undefined): string {
  return found
    ? `“${name}” is a ${found} property, not ${wanted}`
    : `there is no property “${name}” (${wanted})`;
}

/** Rich text is at most 2,000 characters per text object. */
function text(content: string) {
  return [{ type: 'text' as const, text: { content: content.slice(0, 2000) } }];
}
