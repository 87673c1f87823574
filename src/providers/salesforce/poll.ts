/**
 * Salesforce's trigger: a SOQL poll on `SystemModstamp` — exactly one query per poll, however many records
 * changed (LIMIT'd; the rest is the next poll's), with a keyset cursor (SystemModstamp, then Id for the
 * records that share a second) so no change is skipped or read forever.
 *
 * SOQL dateTime literals are unquoted `YYYY-MM-DDThh:mm:ssZ` (SOQL and SOSL Reference, "Date Formats and
 * Date Literals": https://developer.salesforce.com/docs/atlas.en-us.soql_sosl.meta/soql_sosl/sforce_api_calls_soql_select_dateformats.htm).
 * SystemModstamp changes on every change to the record, by people or automation, and is indexed, which
 * is why it rather than LastModifiedDate is the cursor. `LastStageChangeDate` says when the current stage
 * was entered (empty on a record created straight into it: its CreatedDate is then the entry).
 * `query()` leaves out deleted records (`queryAll` would include them), so a deleted opportunity never fires.
 *
 * Two-way: the same query also reads Thread's two custom fields (the team's names from the write-back
 * settings), so a change made to them in Salesforce is followed. They exist only once an admin adds them,
 * and a SOQL naming a field the org lacks (or that Thread's user cannot see) fails whole with 400
 * INVALID_FIELD — which would stop the trigger itself. So a poll that meets INVALID_FIELD asks once more
 * without them, and the cursor remembers the names as missing: the following polls leave them out (one
 * query each) and try them again after `MISSING_FIELDS_RECHECK_MS`, so fields added later are picked up
 * without a describe call on every poll.
 */
import type {
  OwnedField,
  PollCursor,
  PolledRecord,
  PollInput,
  PollPage,
  ProviderApiContext,
} from '../types.js';
import { salesforceConnection } from './client.js';
import { SalesforceHttpError } from './errors.js';

/** Records per poll: a busy org's changes spread over a few polls rather than one huge answer. */
export const SALESFORCE_POLL_LIMIT = 200;

const FIELDS = 'Id, StageName, LastStageChangeDate, CreatedDate, SystemModstamp';

/** Thread's custom fields found missing are left out of the polls this long, then tried again. */
export const MISSING_FIELDS_RECHECK_MS = 10 * 60_000;

interface PollRow {
  Id: string;
  StageName: string | null;
  LastStageChangeDate: string | null;
  CreatedDate: string | null;
  SystemModstamp: string;
  [customField: string]: unknown;
}

/** Custom-field API names, as the settings modal checks them: nothing else ever reaches the SOQL. */
const CUSTOM_FIELD = /^[A-Za-z][A-Za-z0-9_]*__c$/;

/** Salesforce answers `2026-11-28T02:40:00.000+0000`; JavaScript wants the offset as `+00:00`. */
export function isoFromSalesforce(value: string): string {
  return new Date(value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2')).toISOString();
}

/** A SOQL dateTime literal (second precision: SystemModstamp has no finer one). */
function soqlDateTime(iso: string): string {
  return `${new Date(iso).toISOString().slice(0, 19)}Z`;
}

type OwnedNames = Record<OwnedField, string>;

function toRecord(row: PollRow, owned: OwnedNames | undefined): PolledRecord {
  return {
    externalId: row.Id,
    stage: row.StageName,
    stageEnteredAt: row.LastStageChangeDate ? isoFromSalesforce(row.LastStageChangeDate) : null,
    createdAt: row.CreatedDate ? isoFromSalesforce(row.CreatedDate) : null,
    modifiedAt: isoFromSalesforce(row.SystemModstamp),
    ...(owned
      ? {
          owned: {
            onboarding_stage: String(row[owned.onboarding_stage] ?? ''),
            csm: String(row[owned.csm] ?? ''),
          },
        }
      : {}),
  };
}

/** The team's names for Thread's fields, unless unusable or remembered as missing (and not due a retry). */
function ownedToRead(input: PollInput): { names?: OwnedNames; key: string } {
  const f = input.options.owned?.salesforce;
  if (!f || !CUSTOM_FIELD.test(f.stageField) || !CUSTOM_FIELD.test(f.csmField)) return { key: '' };
  const key = `${f.stageField},${f.csmField}`;
  const missing = input.cursor?.missingFields as { fields?: unknown; at?: unknown } | undefined;
  const known =
    missing?.fields === key && Date.now() - Date.parse(String(missing.at)) < MISSING_FIELDS_RECHECK_MS;
  return { key, ...(known ? {} : { names: { onboarding_stage: f.stageField, csm: f.csmField } }) };
}

function invalidField(err: unknown): boolean {
  return (
    err instanceof SalesforceHttpError &&
    err.status === 400 &&
    Array.isArray(err.body) &&
    err.body.some((e) => (e as { errorCode?: unknown })?.errorCode === 'INVALID_FIELD')
  );
}

export async function pollSalesforceOpportunities(
  ctx: ProviderApiContext,
  input: PollInput,
): Promise<PollPage> {
  const since = typeof input.cursor?.since === 'string' ? input.cursor.since : input.baseline;
  const lastId = typeof input.cursor?.id === 'string' ? input.cursor.id : '';
  const at = soqlDateTime(since);
  // Ids compare as strings; one only ever comes from Salesforce itself (the last record read).
  const where =
    lastId && /^[a-zA-Z0-9]{15,18}$/.test(lastId)
      ? `SystemModstamp > ${at} OR (SystemModstamp = ${at} AND Id > '${lastId}')`
      : `SystemModstamp >= ${at}`;
  const conn = await salesforceConnection(ctx);
  const query = (owned: OwnedNames | undefined) =>
    conn.query<PollRow>(
      `SELECT ${owned ? `${FIELDS}, ${owned.onboarding_stage}, ${owned.csm}` : FIELDS} FROM Opportunity WHERE ${where} ORDER BY SystemModstamp ASC, Id ASC LIMIT ${SALESFORCE_POLL_LIMIT}`,
    );
  const wanted = ownedToRead(input);
  let owned = wanted.names;
  let missingFields = wanted.names ? undefined : input.cursor?.missingFields;
  let result: Awaited<ReturnType<typeof query>>;
  try {
    result = await query(owned);
  } catch (err) {
    if (!owned || !invalidField(err)) throw err;
    // The org has not got Thread's fields (yet): the trigger goes on without them.
    owned = undefined;
    missingFields = { fields: wanted.key, at: new Date().toISOString() };
    result = await query(undefined);
  }
  const records = result.records.map((row) => toRecord(row, owned));
  const last = records.at(-1);
  // A full page: more may share the last second, so the next poll continues after this record's Id.
  // Caught up: the next poll reads the last second again, whole — a record changed later within that
  // same second may have a smaller Id, and the keyset alone would skip it (the seen-stage table makes the
  // re-read harmless).
  const cursor: PollCursor = {
    ...(last && records.length >= SALESFORCE_POLL_LIMIT
      ? { since: last.modifiedAt, id: last.externalId }
      : { since: last?.modifiedAt ?? since, id: '' }),
    ...(missingFields ? { missingFields } : {}),
  };
  return { records, cursor };
}
