/**
 * Writing the account back to its HubSpot deal: Thread's own deal properties `thread_onboarding_stage`
 * (a dropdown of Thread's stages), `thread_csm` and `thread_onboarding_progress` (text), set with one PATCH — idempotent, so a retried
 * step writes the same values again and doubles nothing.
 *
 * A portal has no such properties until they are created. HubSpot refuses a PATCH naming an unknown
 * property with 400 VALIDATION_ERROR whose message lists `"error":"PROPERTY_DOESNT_EXIST"` per property
 * (https://developers.hubspot.com/changelog/upcoming-property-validations-rules-will-be-enforced-for-apis-and-integrations
 * shows the message shape); Thread then creates the missing ones through the properties API
 * (`POST /crm/v3/properties/deals`, scope `crm.schemas.deals.write`:
 * https://developers.hubspot.com/docs/api-reference/latest/crm/properties/create-property) and writes
 * again. A 409 there means another writer created it first, which is what we wanted.
 */
import type { DealWriteBack } from '../types.js';
import { hubspotClient } from './client.js';

/** The deal properties Thread owns in HubSpot. */
export const HUBSPOT_OWNED_PROPERTIES = {
  onboarding_stage: 'thread_onboarding_stage',
  csm: 'thread_csm',
} as const;

/** Written, never followed back: progress is Thread's to count (a change made in HubSpot is overwritten). */
const PROGRESS_PROPERTY = 'thread_onboarding_progress';

/** Thread's stages as the dropdown's options (the value is Thread's id, so the webhook maps back 1:1). */
const STAGE_OPTIONS = [
  { label: 'New', value: 'new' },
  { label: 'Onboarding', value: 'onboarding' },
  { label: 'Live', value: 'live' },
  { label: 'Closed', value: 'closed' },
];

const DEFINITIONS = {
  thread_onboarding_stage: {
    name: 'thread_onboarding_stage',
    label: 'Onboarding stage (Thread)',
    description: 'Where the customer is in onboarding. Written by Thread; changing it here updates Thread.',
    groupName: 'dealinformation',
    type: 'enumeration',
    fieldType: 'select',
    options: STAGE_OPTIONS.map((o, i) => ({ ...o, displayOrder: i, hidden: false })),
  },
  thread_csm: {
    name: 'thread_csm',
    label: 'CSM (Thread)',
    description:
      'The customer success manager onboarding this customer (email). Written by Thread; set it to another CSM’s email to reassign.',
    groupName: 'dealinformation',
    type: 'string',
    fieldType: 'text',
  },
  [PROGRESS_PROPERTY]: {
    name: PROGRESS_PROPERTY,
    label: 'Onboarding progress (Thread)',
    description: 'Milestones done and the next one. Written by Thread each time a milestone moves.',
    groupName: 'dealinformation',
    type: 'string',
    fieldType: 'text',
  },
} as const;

export const hubspotWriteBack: DealWriteBack = {
  async write(ctx, dealId, values) {
    const client = await hubspotClient(ctx);
    const properties = {
      [HUBSPOT_OWNED_PROPERTIES.onboarding_stage]: values.onboardingStage,
      // HubSpot clears a property set to the empty string.
      [HUBSPOT_OWNED_PROPERTIES.csm]: values.csm ?? '',
      [PROGRESS_PROPERTY]: values.progress ?? '',
    };
    try {
      await client.crm.deals.basicApi.update(dealId, { properties });
      return { written: true };
    } catch (err) {
      const missing = missingProperties(err);
      if (!missing.length) throw err;
      for (const name of missing) {
        try {
          await client.crm.properties.coreApi.create('deals', { ...DEFINITIONS[name] } as never);
        } catch (e) {
          if ((e as { code?: unknown }).code !== 409) throw e;
        }
      }
      await client.crm.deals.basicApi.update(dealId, { properties });
      return { written: true };
    }
  },
};

/** Thread's properties a 400 says do not exist in the portal (none: the error is something else). */
function missingProperties(err: unknown): (keyof typeof DEFINITIONS)[] {
  const e = err as { code?: unknown; body?: { message?: unknown } };
  if (e.code !== 400 || typeof e.body?.message !== 'string') return [];
  // "Property values were not valid: [{…,"error":"PROPERTY_DOESNT_EXIST","name":"thread_csm",…}]"
  const text = e.body.message;
  const start = text.indexOf('[');
  if (start === -1) return [];
  try {
    const problems = JSON.parse(text.slice(start)) as { error?: unknown; name?: unknown }[];
    return problems
      .filter(
        (p) => p.error === 'PROPERTY_DOESNT_EXIST' && typeof p.name === 'string' && p.name in DEFINITIONS,
      )
      .map((p) => p.name as keyof typeof DEFINITIONS);
  } catch {
    return [];
  }
}
