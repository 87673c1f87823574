/**
 * What Thread knows about an integration. A provider is one folder exporting one `ProviderDefinition`;
 * listeners, views and workflows only ever see this shape.
 */
import type { ProviderEnvPrefix } from '../app/config.js';

export type ProviderId =
  | 'hubspot'
  | 'salesforce'
  | 'slack'
  | 'notion'
  | 'google'
  | 'microsoft'
  | 'gong'
  | 'zoom';

export type Capability = 'triggers' | 'two_way_sync' | 'notifications' | 'calendar' | 'sales_intelligence';

export const CAPABILITY_LABELS: Record<Capability, string> = {
  triggers: 'Workflow triggers',
  two_way_sync: 'Two-way sync',
  notifications: 'Notifications',
  calendar: 'Calendar',
  sales_intelligence: 'Sales intelligence',
};

/**
 * How a connector comes to be:
 * - `oauth`: the team connects it through an OAuth link;
 * - `workspace`: it is the Slack workspace Thread is installed in — always connected;
 * - `coming_soon`: listed on the dashboard, not yet connectable.
 */
export type Availability = 'oauth' | 'workspace' | 'coming_soon';

export interface ProviderInfo {
  id: ProviderId;
  /** The name people know it by: "Google Workspace", not "google". */
  name: string;
  /** One line: what Thread does with it. */
  purpose: string;
  capabilities: Capability[];
  availability: Availability;
  /** Shown next to the name, e.g. "Beta". */
  badge?: string;
  envPrefix?: ProviderEnvPrefix;
}

/**
 * The neutral failure codes every provider maps its errors to. One table in domain/connections turns
 * each into a connection state and a sentence with its fix.
 */
export type NeutralCode =
  | 'grant_revoked'
  | 'permission_denied'
  | 'token_expired'
  | 'rate_limited'
  | 'temporary'
  | 'not_found'
  | 'invalid_config'
  /** Not the provider's: Thread's encryption key no longer opens this connection's stored tokens. */
  | 'tokens_unreadable'
  | 'unknown';

export class ProviderError extends Error {
  override name = 'ProviderError';
  constructor(
    readonly code: NeutralCode,
    message: string,
    readonly details: { status?: number; retryAfterSeconds?: number; providerMessage?: string } = {},
  ) {
    super(message);
  }
}

/**
 * How a provider reports a grant, as data: the engine compares what was granted with what was asked
 * through these rules (providers/oauth/scopes.ts), never by exact string.
 */
export interface ScopeRules {
  /** Names compare case-insensitively (Microsoft answers `mail.send` for `Mail.Send`). */
  caseInsensitive?: boolean;
  /** Resource prefixes the provider may put before a name (Microsoft: `https://graph.microsoft.com/`). */
  prefixes?: string[];
  /** A requested name the provider reports under other names (Google: `email` → `…/userinfo.email`). */
  aliases?: Record<string, string[]>;
  /** Requested scopes the provider never lists in a grant (Microsoft: `offline_access`). */
  unlisted?: string[];
}

/** OAuth 2.0 facts as data: the one engine in providers/oauth reads these, no provider code runs. */
export interface OAuthFacts {
  authorizeUrl: string;
  tokenUrl: string;
  /** RFC 7009-style revocation endpoint (POST token=…); absent when the provider has none. */
  revokeUrl?: string;
  /** Default API base URL (P_API_URL overrides it; some providers return one per account). */
  apiUrl: string;
  scopes: string[];
  scopeSeparator: ' ' | ',';
  /** How the provider reports granted scopes (compared per these rules, never verbatim). */
  scopeRules: ScopeRules;
  /** Send the consented scopes as `scope` with every refresh (Microsoft v2 documents it as required). */
  scopeOnRefresh?: boolean;
  /** How the client authenticates at the token endpoint. */
  clientAuth: 'body' | 'basic';
  /** Token request body encoding (Notion takes JSON). */
  tokenBody: 'form' | 'json';
  pkce: boolean;
  extraAuthorizeParams?: Record<string, string>;
  /** Non-secret token-response fields to keep in provider_meta (Salesforce instance_url, Gong api base). */
  keepFromTokenResponse?: string[];
  /** Sign-in environments chosen at connect time (Salesforce production / sandbox). First is default. */
  environments?: Record<
    string,
    { label: string; authorizeUrl: string; tokenUrl: string; revokeUrl?: string }
  >;
}

export interface TokenSet {
  accessToken: string;
  refreshToken?: string;
  /** ISO time; absent when the provider does not say (Salesforce): refresh on 401 instead. */
  expiresAt?: string;
  tokenType?: string;
}

/** What a provider's API code gets: a live token and where to send requests. */
export interface ProviderApiContext {
  accessToken: string;
  apiUrl: string;
  meta: Record<string, unknown>;
}

export interface Identity {
  accountId: string;
  /** Human label for the dashboard, e.g. "Acme (portal 1234)". */
  label: string;
  meta?: Record<string, unknown>;
  /** Scopes the provider says were granted, when it reports them on an API call rather than the token response. */
  grantedScopes?: string[];
}

/**
 * A provider event in Thread's own words: the only shape past a trigger listener (webhook or poll).
 * `stage` is the CRM's stage id (HubSpot `closedwon`, a Salesforce `StageName`) or, for a Notion
 * database, the value of the status property the team chose.
 */
export type TriggerEvent =
  | {
      kind: 'deal_stage_changed';
      externalId: string;
      stage: string;
      occurredAt: string;
    }
  /** Someone changed, in the CRM, a field Thread writes back (see DealWriteBack): the account follows. */
  | {
      kind: 'owned_field_changed';
      externalId: string;
      field: OwnedField;
      /** As the CRM holds it: a stage value ('live'), or the CSM as written (an email, a name). */
      value: string;
      occurredAt: string;
    };

/** The account facts Thread owns in a CRM record: it writes them, and follows changes made there. */
export type OwnedField = 'onboarding_stage' | 'csm';

/**
 * The facts a handoff needs about one deal (a HubSpot deal, a Salesforce opportunity, a Notion row), as
 * the provider's SDK read them. Null = the source left it empty (named as a gap in the handoff).
 */
export interface DealFacts {
  id: string;
  name: string | null;
  /** A decimal string: amounts are money, never floats. */
  amount: string | null;
  currency: string | null;
  /** 'YYYY-MM-DD'. */
  closeDate: string | null;
  /** The deal owner's id in the CRM (the AE). */
  ownerId: string | null;
  ownerName?: string | null;
  /** The AE's email: finds them in Slack (users.lookupByEmail) and addresses the handoff email. */
  aeEmail?: string | null;
  companyName?: string | null;
  /** The customer's web domain ('acme.com'): matches Gong calls and calendar attendees. */
  domain?: string | null;
  contacts?: { name: string | null; email: string | null; title?: string | null }[];
  notes?: string | null;
  /** A link to the record in the provider's own UI. */
  url?: string | null;
}

/** What a team chose for one trigger source (from workflow_settings), passed to the provider's code. */
export interface DealSourceOptions {
  /** Notion: the database (data source) and its property mapping. */
  notion?: {
    databaseId: string;
    statusProperty: string;
    mapping: Partial<Record<'name' | 'domain' | 'aeEmail' | 'amount' | 'closeDate', string>>;
  };
  /** Where the team keeps Thread's own fields in the source: a poll reads them too (two-way). */
  owned?: WriteBackOptions;
}

/**
 * A record as one poll saw it, in Thread's words. Times are ISO strings. `stage` is the record's stage
 * (Notion: the status value), null when it has none.
 */
export interface PolledRecord {
  externalId: string;
  stage: string | null;
  /** When the record entered its current stage, when the provider keeps that (HubSpot, Salesforce). */
  stageEnteredAt?: string | null;
  createdAt?: string | null;
  modifiedAt: string;
  /** In the trash / archived: never starts anything. */
  archived?: boolean;
  /**
   * Thread's own fields (see DealWriteBack) as the record holds them ('' = empty), read with the record
   * so a change made in the CRM can be followed (two-way): only the fields the team keeps in this source
   * and that exist there; absent when there are none.
   */
  owned?: Partial<Record<OwnedField, string>>;
}

/** The provider's position in its change feed, as JSON; only the provider's own poll reads it. */
export type PollCursor = Record<string, unknown>;

export interface PollInput {
  /** Null on the first poll of a source. */
  cursor: PollCursor | null;
  /** When Thread started watching this source (ISO): records entering before it are history. */
  baseline: string;
  /** The stage (Notion: status value) whose entry starts a handoff. */
  stage: string;
  /** True while the source is still recording what already sits in the stage (see `PollPage.sweeping`). */
  sweeping: boolean;
  options: DealSourceOptions;
}

export interface PollPage {
  records: PolledRecord[];
  /** Where the next poll starts. Stored only after this page's records are recorded. */
  cursor: PollCursor;
  /**
   * For sources without a stage-entry time (Notion): true while these records are the baseline sweep
   * (what sits in the stage already, recorded as seen, never fired); false once changes are read.
   */
  sweeping?: boolean;
}

/** A provider that is a source of deals: what the handoff workflow reads (and later writes) through it. */
export interface DealSource {
  /** The record's kind in the provider's words, for people: "deal", "opportunity", "row". */
  recordName: string;
  fetchDeal(ctx: ProviderApiContext, externalId: string, options: DealSourceOptions): Promise<DealFacts>;
  /** One page of records changed since the cursor: exactly one provider request per call. */
  poll?(ctx: ProviderApiContext, input: PollInput): Promise<PollPage>;
  /** A source that starts out sweeping (no per-stage entry time): see `PollPage.sweeping`. */
  sweepsFirst?: boolean;
  /**
   * Re-reads one record, for webhooks that carry ids only (Notion): null when the record is not in the
   * watched source (another database's page). One provider request.
   */
  readRecord?(
    ctx: ProviderApiContext,
    externalId: string,
    input: Pick<PollInput, 'stage' | 'options'>,
  ): Promise<PolledRecord | null>;
}

/** One recorded sales call, as a call recorder (Gong) reports it. */
export interface CallFacts {
  id: string;
  title: string | null;
  /** ISO time the call started. */
  startedAt: string;
  durationSeconds: number | null;
  /** The call's page in the recorder's own UI. */
  url: string | null;
  participants: { name: string | null; email: string | null }[];
}

/** Which calls belong to an account: any participant from its domain or among its contacts. */
export interface CallQuery {
  domain: string | null;
  emails: string[];
  /** ISO times: calls that started in [from, to). */
  from: string;
  to: string;
  /** Most recent first, at most this many. */
  limit: number;
}

/** A provider that records sales calls: the handoff reads the account's recent ones through it. */
export interface CallSource {
  recentCalls(ctx: ProviderApiContext, query: CallQuery): Promise<CallFacts[]>;
}

/** An email Thread sends as the connected user. `subject` and names are plain text; `html` is escaped. */
export interface OutgoingMail {
  /** One or more plain addresses (a handoff goes to the AE; a template's email to every contact). */
  to: { email: string; name: string | null }[];
  subject: string;
  html: string;
}

/** A provider that sends email as the person who connected it (Outlook, Gmail). */
export interface MailSender {
  send(ctx: ProviderApiContext, mail: OutgoingMail): Promise<void>;
}

/** What Thread writes back to a deal's record: the account's onboarding stage and its CSM. */
export interface WriteBackValues {
  /** Thread's stage id: 'new' | 'onboarding' | 'live' | 'closed'. */
  onboardingStage: string;
  /** The CSM as people in the CRM know them (their email, else their name); null = no CSM yet. */
  csm: string | null;
  /** Milestone progress in words ("2 of 6 milestones done · next: Training"); null = no plan yet. */
  progress: string | null;
}

/** Where a team keeps Thread's fields in each source, from its workflow settings. */
export interface WriteBackOptions {
  /** Salesforce: the custom fields' API names (they cannot be created through the API). */
  salesforce?: { stageField: string; csmField: string };
  /** Notion: the database (data source) and the properties mapped to stage and CSM; unmapped = skipped. */
  notion?: { databaseId: string; stageProperty?: string; csmProperty?: string };
}

/**
 * What a write-back did. Fields Thread needs but cannot create (Salesforce custom fields, Notion
 * properties) come back as `missing`, not thrown: the connection works, so it must not turn to Error —
 * the run's step fails with `fix`, which tells an admin exactly what to add.
 */
export type WriteBackResult = { written: true } | { written: false; missing: string[]; fix: string };

/** A source Thread writes the account back to: idempotent writes (PATCHes), safe to repeat on retries. */
export interface DealWriteBack {
  write(
    ctx: ProviderApiContext,
    externalId: string,
    values: WriteBackValues,
    options: WriteBackOptions,
  ): Promise<WriteBackResult>;
}

/** One choice in a settings modal, listed live from the provider: the id stored, the label shown. */
export interface CatalogOption {
  id: string;
  label: string;
}

/** The lists a source's settings modal offers, read live through its SDK (see providers/<p>/catalog). */
export interface SettingsCatalog {
  /** HubSpot: deal pipelines and their stages. */
  pipelines?(ctx: ProviderApiContext): Promise<(CatalogOption & { stages: CatalogOption[] })[]>;
  /** Salesforce: the active values of Opportunity.StageName. */
  stages?(ctx: ProviderApiContext): Promise<CatalogOption[]>;
  /** Notion: the databases (data sources) shared with Thread. */
  databases?(ctx: ProviderApiContext): Promise<CatalogOption[]>;
  /** Notion: one database's properties, with their type and, for status/select, their options. */
  properties?(
    ctx: ProviderApiContext,
    databaseId: string,
  ): Promise<(CatalogOption & { type: string; options: CatalogOption[] })[]>;
}

/**
 * A calendar event in Thread's words, from whichever calendar it came. Times are instants (ISO, UTC);
 * an all-day event has no time, so its start/end are the UTC midnights of its dates and `allDay` says so.
 */
export interface CalendarEvent {
  id: string;
  title: string;
  start: string;
  end: string;
  allDay: boolean;
  /** The zone the organiser set (IANA for Google, a Windows name for Microsoft), when given. */
  timeZone: string | null;
  /** Attendees' emails, lower-cased (the organiser included when the provider lists them). */
  attendees: string[];
  /** Deleted, or cancelled by the organiser: an incremental sync reports it once, with little else. */
  cancelled: boolean;
  /** The series an instance of a recurring event belongs to. */
  recurringEventId: string | null;
  /** A video link the provider attached (Meet, Teams), when there is one. */
  joinUrl?: string | null;
}

/** One incremental read of a calendar: what changed since `token` (everything in the window without one). */
export interface CalendarChanges {
  events: CalendarEvent[];
  /** Where the next sync starts (Google nextSyncToken, Graph @odata.deltaLink). */
  nextToken: string;
  /** The provider no longer knew the token (Google 410): this was a full read; what is absent is gone. */
  fullResync: boolean;
}

export interface NewCalendarEvent {
  title: string;
  start: string;
  end: string;
  /** IANA zone the event is shown in for the organiser. */
  timeZone: string;
  attendees: string[];
  description?: string;
  /** A video link (Zoom) to carry as the location. */
  location?: string;
}

/** A provider whose calendar Thread reads (kickoff detection) and writes (scheduling). */
export interface CalendarSource {
  /**
   * Changes since `token`, every page followed. Without a token (or when the provider has forgotten it),
   * a full read of `window` — the span kickoffs are looked for in.
   */
  sync(
    ctx: ProviderApiContext,
    token: string | null,
    window: { from: string; to: string },
  ): Promise<CalendarChanges>;
  /** Creates the event on the connected calendar, invitations sent to the attendees. */
  createEvent(ctx: ProviderApiContext, event: NewCalendarEvent): Promise<CalendarEvent>;
}

/** A provider that makes video meetings (Zoom): a join link for a scheduled event. */
export interface MeetingSource {
  createMeeting(
    ctx: ProviderApiContext,
    meeting: { topic: string; start: string; durationMinutes: number; timeZone: string },
  ): Promise<{ id: string; joinUrl: string }>;
}

export interface ProviderDefinition extends ProviderInfo {
  envPrefix: ProviderEnvPrefix;
  oauth: OAuthFacts;
  /** The API base for a connection: per-account URLs from provider_meta (instance_url, …) win over the default. */
  apiUrlFrom?(meta: Record<string, unknown>): string | undefined;
  /** Who or what was connected, through the provider's official SDK (or fetch where there is none). */
  identify(ctx: ProviderApiContext): Promise<Identity>;
  /** A cheap read that proves the connection works; returns what it saw, in words ("3 deals visible"). */
  testCall(ctx: ProviderApiContext): Promise<string>;
  /** Revocation that is not RFC 7009 (HubSpot deletes the refresh token). */
  revoke?(args: {
    tokens: TokenSet;
    revokeUrl: string;
    clientId: string;
    clientSecret: string;
  }): Promise<void>;
  /** SDK/HTTP error → neutral code (see providers/errors.ts for the shared HTTP mapping). */
  classifyError(err: unknown): ProviderError;
  /** Deals (or rows) that start handoffs. */
  deals?: DealSource;
  /** A calendar kickoffs are found in and scheduled on. */
  calendar?: CalendarSource;
  /** Video meetings (join links) for scheduled events. */
  meetings?: MeetingSource;
  /** Recorded sales calls: the handoff's call context. */
  calls?: CallSource;
  /** Email sent as the connected user: the handoff email to the AE. */
  mail?: MailSender;
  /** Writing the account's stage and CSM back to the deal's record. */
  writeBack?: DealWriteBack;
  /** The live lists of the workflow settings modal. */
  catalog?: SettingsCatalog;
}
