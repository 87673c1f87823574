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
 */
import type { PollCursor, PolledRecord, PollInput, PollPage, ProviderApiContext } from '../types.js';
import { salesforceConnection } from './client.js';

/** Records per poll: a busy org's changes spread over a few polls rather than one huge answer. */
export const SALESFORCE_POLL_LIMIT = 200;

const FIELDS = 'Id, StageName, LastStageChangeDate, CreatedDate, SystemModstamp';

interface PollRow {
  Id: string;
  StageName: string | null;
  LastStageChangeDate: string | null;
  CreatedDate: string | null;
  SystemModstamp: string;
}

/** Salesforce answers `2026-11-28T02:40:00.000+0000`; JavaScript wants the offset as `+00:00`. */
export function isoFromSalesforce(value: string): string {
  return new Date(value.replace(/([+-]\d{2})(\d{2})$/, '$1:$2')).toISOString();
}

/** A SOQL dateTime literal (second precision: SystemModstamp has no finer one). */
function soqlDateTime(iso: string): string {
  return `${new Date(iso).toISOString().slice(0, 19)}Z`;
}

function toRecord(row: PollRow): PolledRecord {
  return {
    externalId: row.Id,
    stage: row.StageName,
    stageEnteredAt: row.LastStageChangeDate ? isoFromSalesforce(row.LastStageChangeDate) : null,
    createdAt: row.CreatedDate ? isoFromSalesforce(row.CreatedDate) : null,
    modifiedAt: isoFromSalesforce(row.SystemModstamp),
  };
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
  const result = await conn.query<PollRow>(
    `SELECT ${FIELDS} FROM Opportunity WHERE ${where} ORDER BY SystemModstamp ASC, Id ASC LIMIT ${SALESFORCE_POLL_LIMIT}`,
  );
  const records = result.records.map(toRecord);
  const last = records.at(-1);
  // A full page: more may share the last second, so the next poll continues after this record's Id.
  // Caught up: the next poll reads the last second again, whole — a record changed later within that
  // same second may have a smaller Id, and the keyset alone would skip it (the seen-stage table makes the
  // re-read harmless).
  const cursor: PollCursor =
    last && records.length >= SALESFORCE_POLL_LIMIT
      ? { since: last.modifiedAt, id: last.externalId }
      : { since: last?.modifiedAt ?? since, id: '' };
  return { records, cursor };
}
