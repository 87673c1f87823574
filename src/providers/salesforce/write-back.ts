/**
 * Writing the account back to its Salesforce opportunity: one sObject PATCH
 * (`PATCH /services/data/vXX.X/sobjects/Opportunity/{id}`, 204 No Content:
 * https://developer.salesforce.com/docs/platform/api-rest/guide/dome-update-fields.html) through
 * jsforce's `sobject('Opportunity').update`, setting two custom fields (three when the org has the
 * progress field) — idempotent, so a retry doubles nothing.
 *
 * Custom fields cannot be created through the REST API (only the Metadata API, which needs far more
 * access than Thread asks for), so an admin adds them; their API names are settings with defaults. A
 * field that does not exist is answered 400 `[{ errorCode: 'INVALID_FIELD', message: "No such column
 * 'X' on sobject of type Opportunity" }]` (Status Codes and Error Responses:
 * https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/errorcodes.htm), which
 * comes back as missing fields, with words naming exactly what to add.
 */
import type { DealWriteBack } from '../types.js';
import { salesforceConnection } from './client.js';
import { SalesforceHttpError } from './errors.js';

/** The migration's defaults, for a caller that passes no names. */
const DEFAULT_FIELDS = { stageField: 'Thread_Onboarding_Stage__c', csmField: 'Thread_CSM__c' };
/**
 * Milestone progress ("2 of 6 milestones done · next: Training") goes to this Text field when the org has
 * it; an org without it gets the stage and CSM all the same (the two fields the README asks for).
 */
export const PROGRESS_FIELD = 'Thread_Onboarding_Progress__c';

export const salesforceWriteBack: DealWriteBack = {
  async write(ctx, opportunityId, values, options) {
    const { stageField, csmField } = options.salesforce ?? DEFAULT_FIELDS;
    const conn = await salesforceConnection(ctx);
    const update = (withProgress: boolean) =>
      conn.sobject('Opportunity').update({
        Id: opportunityId,
        [stageField]: values.onboardingStage,
        // Salesforce clears a field sent as null.
        [csmField]: values.csm,
        ...(withProgress ? { [PROGRESS_FIELD]: values.progress } : {}),
      });
    try {
      try {
        await update(true);
      } catch (err) {
        // Only the optional progress field is missing: write the rest.
        if (!(err instanceof SalesforceHttpError) || !missingOnly(err.body, PROGRESS_FIELD)) throw err;
        await update(false);
      }
      return { written: true };
    } catch (err) {
      if (err instanceof SalesforceHttpError && invalidField(err.body)) {
        const fields = [stageField, csmField];
        return {
          written: false,
          missing: fields,
          fix: `Salesforce has no field ${fields.join(' or ')} on Opportunity. In Salesforce Setup → Object Manager → Opportunity → Fields & Relationships, add two Text fields with the API names ${fields.join(' and ')} (or set the names you use in App Home → Workflows → Salesforce), and give Thread's user edit access to them.`,
        };
      }
      throw err;
    }
  },
};

function invalidField(body: unknown): boolean {
  return (
    Array.isArray(body) && body.some((e) => (e as { errorCode?: unknown })?.errorCode === 'INVALID_FIELD')
  );
}

/** Every INVALID_FIELD error names `field` ("No such column 'X' on sobject of type Opportunity"). */
function missingOnly(body: unknown, field: string): boolean {
  if (!Array.isArray(body) || !body.length) return false;
  return body.every(
    (e) =>
      (e as { errorCode?: unknown })?.errorCode === 'INVALID_FIELD' &&
      String((e as { message?: unknown }).message ?? '').includes(`'${field}'`),
  );
}
