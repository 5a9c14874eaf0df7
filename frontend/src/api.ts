// The one place that talks to the Patchwatch REST API, typed against its OpenAPI schema
// (frontend/openapi.yaml, turned into src/api/schema.d.ts by `npm run build`): every call
// names a path of the schema, and its parameters, body and answer are the schema's.
//
// Browser auth is the Django session: every unsafe request carries the CSRF
// token from the `csrftoken` cookie, and an Idempotency-Key so that a retried
// submission (POST, PUT, PATCH or DELETE) is not applied twice.

import createClient, { createFinalURL, defaultPathSerializer, type ClientPathsWithMethod } from 'openapi-fetch';
import type { paths } from './api/schema';
import type {
  AlertChanges,
  AlertInput,
  AlertPreferences,
  AlertPreferencesInput,
  AlertReply,
  AlertApprovalPolicyInput,
  AlertTemplateInput,
  AmendmentChanges,
  DisputeDecision,
  HeldOffence,
  EmailChangeInput,
  ForceCode,
  LetterMark,
  KeeperAddressesStored,
  LetterStage,
  LettersMarked,
  LettersPosted,
  Me,
  MeInput,
  MemberRole,
  NeighbourhoodsImported,
  Offence,
  OffenceInput,
  OtpRequired,
  Page,
  PasswordChangeInput,
  PasswordResetInput,
  PushSubscriptionInput,
  SchemeDecision,
  SchemeInput,
  SessionChanges,
  SessionInput,
  SessionWithOffences,
  SignInInput,
  SignUpInput,
  SiteDecision,
  SiteInput,
  SpeedwatchSession,
  TwoFactorDisableInput,
  VehicleDecision,
  VehicleLookup,
} from './api/schemas';
import { noteApiAnswer, OFFLINE_COPY_HEADER } from './connection';
import { languageTag, t, type Language } from './i18n';

export class ApiError extends Error {
  /** HTTP status, or 0 when the server could not be reached. */
  readonly status: number;
  /** Field-level validation messages, keyed by field name ("contact.email" for nested fields). */
  readonly fields: Record<string, string[]>;
  /** Messages that belong to no field: `detail` and `non_field_errors`. */
  readonly general: string[];

  constructor(status: number, fields: Record<string, string[]>, general: string[]) {
    super(general[0] ?? Object.values(fields)[0]?.[0] ?? t('errors.requestFailed', { status }));
    this.status = status;
    this.fields = fields;
    this.general = general;
  }

  /** Messages for every field not in `shown`, so that no error is ever lost. */
  otherMessages(shown: readonly string[]): string[] {
    const rest = Object.entries(this.fields)
      .filter(([field]) => !shown.includes(field))
      .flatMap(([, messages]) => messages);
    return [...this.general, ...rest];
  }
}

/** A query string from a query: empty values are left out (the API refuses them), lists repeat their key. */
function queryString(query: Record<string, unknown> = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item === null || item === undefined || item === '') continue;
      params.append(key, String(item));
    }
  }
  return params.toString();
}

function readCookie(name: string): string | null {
  for (const part of document.cookie.split(';')) {
    const [key, ...value] = part.trim().split('=');
    if (key === name) return decodeURIComponent(value.join('='));
  }
  return null;
}

/** A random (version 4) UUID: for Idempotency-Key headers and ids made on the phone. */
export function newUuid(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  // randomUUID only exists in secure contexts; plain http on a LAN address is not one.
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

// A submission that got no definite answer (network failure or 5xx) keeps its
// key, so pressing the button again with the same data is recognised by the
// server as the same request.
const unansweredWrites = new Map<string, string>();

function flattenErrors(
  value: unknown,
  prefix: string,
  fields: Record<string, string[]>,
  general: string[],
): void {
  if (typeof value === 'string') {
    if (prefix) (fields[prefix] ??= []).push(value);
    else general.push(value);
  } else if (Array.isArray(value)) {
    for (const item of value) flattenErrors(item, prefix, fields, general);
  } else if (value && typeof value === 'object') {
    for (const [key, inner] of Object.entries(value)) {
      if (key === 'detail' || key === 'non_field_errors') flattenErrors(inner, '', fields, general);
      else flattenErrors(inner, prefix ? `${prefix}.${key}` : key, fields, general);
    }
  }
}

async function errorFromResponse(response: Response): Promise<ApiError> {
  const fields: Record<string, string[]> = {};
  const general: string[] = [];
  let body: unknown = null;
  try {
    body = await response.json();
  } catch {
    body = null;
  }
  flattenErrors(body, '', fields, general);
  if (!general.length && !Object.keys(fields).length) {
    general.push(fallbackMessage(response.status));
  }
  return new ApiError(response.status, fields, general);
}

function fallbackMessage(status: number): string {
  if (status === 401 || status === 403) return t('errors.forbidden');
  if (status === 404) return t('errors.notFound');
  if (status === 429) return t('errors.tooMany');
  if (status >= 500) return t('errors.server');
  return t('errors.other', { status });
}

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let csrfReady: Promise<void> | null = null;

/** Makes sure the csrftoken cookie is set (GET auth/csrf/ sets it). */
export function ensureCsrf(force = false): Promise<void> {
  if (!force && readCookie('csrftoken')) return Promise.resolve();
  if (force || !csrfReady) {
    csrfReady = fetch(apiUrl('/api/v1/auth/csrf/'), { credentials: 'same-origin' })
      .then(() => undefined)
      .catch(() => undefined);
  }
  return csrfReady;
}

// --- The transport ------------------------------------------------------------------------

/**
 * Sends one request that openapi-fetch built: with the CSRF token and an Idempotency-Key on
 * unsafe methods, trying again once after a network failure or a 502-504, and once more with
 * a fresh CSRF token when the old one was refused. An error answer is thrown as an ApiError.
 */
async function send(request: Request, timeoutMs?: number): Promise<Response> {
  const method = request.method;
  const unsafe = method !== 'GET' && method !== 'HEAD';
  if (unsafe) await ensureCsrf();

  const bodyText = (await request.text()) || undefined;
  const signature = `${method} ${request.url} ${bodyText ?? ''}`;
  let idempotencyKey: string | undefined;
  if (unsafe) {
    idempotencyKey = unansweredWrites.get(signature) ?? newUuid();
    unansweredWrites.set(signature, idempotencyKey);
  }
  // Any request may be sent a second time after a network failure or a 502-504: a
  // GET is safe, and the server answers a keyed write's repeat with its first answer
  // (sign-in and sign-out ignore the key, and are harmless to repeat).

  let csrfRetried = false;
  for (let attempt = 0; ; attempt++) {
    const headers = new Headers(request.headers);
    headers.set('Accept', 'application/json');
    // The server's messages and its words for its choices come in the app's language,
    // unless the request asks for another (an alert's usual advice, in the alert's).
    if (!headers.has('Accept-Language')) headers.set('Accept-Language', languageTag());
    if (unsafe) headers.set('X-CSRFToken', readCookie('csrftoken') ?? '');
    if (idempotencyKey) headers.set('Idempotency-Key', idempotencyKey);

    let response: Response;
    try {
      const timeout = timeoutMs && typeof AbortSignal.timeout === 'function' ? AbortSignal.timeout(timeoutMs) : undefined;
      response = await fetch(request.url, {
        method,
        headers,
        body: bodyText,
        credentials: 'same-origin',
        signal: timeout ?? request.signal,
      });
    } catch (error) {
      if (request.signal.aborted) throw error;
      if (attempt === 0) {
        await wait(800);
        continue;
      }
      throw new ApiError(0, {}, [t('errors.network')]);
    }

    if (attempt === 0 && [502, 503, 504].includes(response.status)) {
      await wait(800);
      continue;
    }
    if (response.status < 500) unansweredWrites.delete(signature);

    if (response.status === 403 && unsafe && !csrfRetried) {
      const copy = response.clone();
      const text = await copy.text().catch(() => '');
      if (/csrf/i.test(text)) {
        // The token rotates at sign-in; fetch a fresh one and try once more.
        csrfRetried = true;
        await ensureCsrf(true);
        continue;
      }
    }

    // The service worker's saved copy, when the network failed (offline).
    noteApiAnswer(response.headers.get(OFFLINE_COPY_HEADER));
    if (!response.ok) throw await errorFromResponse(response);
    // An answer with nothing to read as JSON reads as no data.
    if (!(response.headers.get('Content-Type') ?? '').includes('json')) {
      return new Response(null, { status: 204, headers: response.headers });
    }
    return response;
  }
}

const querySerializer = (query: Record<string, unknown>) => queryString(query);

/** Reads, and writes whose answers come at once. */
export const client = createClient<paths, 'application/json'>({ fetch: (request) => send(request), querySerializer });

// A weak signal at the roadside can leave a request hanging for minutes; an upload that
// takes this long is given up and tried again later, which the client ids make safe.
const UPLOAD_TIMEOUT_MS = 20_000;
/** A session's uploads from the roadside. */
const uploads = createClient<paths, 'application/json'>({
  fetch: (request) => send(request, UPLOAD_TIMEOUT_MS),
  querySerializer,
});

/** The answer's data, noting whether it is a saved copy or a repeated write's first answer. */
export async function read<T>(call: Promise<{ data?: T; response: Response }>): Promise<T> {
  const { data, response } = await call;
  if (data !== null && typeof data === 'object') {
    if (response.headers.get(OFFLINE_COPY_HEADER) !== null) offlineCopies.add(data);
    if (response.headers.get('Idempotent-Replayed') === 'true') replayedAnswers.add(data);
  }
  return data as T;
}

/**
 * Reads an answer the schema describes only in part as `T` (see "Gaps in the schema" in
 * src/api/schemas.ts, where `T` is made from the schema's own type).
 */
function filled<T>(data: object): T {
  return data as T;
}

// --- Addresses for links --------------------------------------------------------------------

type GetPath = ClientPathsWithMethod<typeof client, 'get'>;
type GetOperation<P extends GetPath> = NonNullable<paths[P]['get']>;
/** The query parameters the schema gives a GET path. */
export type QueryOf<P extends GetPath> =
  GetOperation<P> extends { parameters: { query?: infer Q } } ? NonNullable<Q> : never;
type PathParamsOf<P extends GetPath> =
  GetOperation<P> extends { parameters: { path?: infer A } } ? NonNullable<A> : never;

/** The address of a GET path, for what the browser fetches itself: a file download, CAP XML. */
export function apiUrl<P extends GetPath>(
  path: P,
  params: { path?: PathParamsOf<P>; query?: QueryOf<P> } = {},
): string {
  return createFinalURL(path, { baseUrl: '', params, querySerializer, pathSerializer: defaultPathSerializer });
}

/**
 * The address of an export that takes the same filters as a list. The schema does not
 * list an export's filters (drf-spectacular documents filters on lists only), so they are
 * typed as the list's.
 */
function exportUrl<P extends GetPath, L extends GetPath>(
  path: P,
  _list: L,
  filters: QueryOf<L>,
  query: QueryOf<P> | Record<string, never> = {},
): string {
  const search = queryString({ ...filters, page: undefined, page_size: undefined, ...query });
  return search ? `${path}?${search}` : path;
}

/** An Atom feed: Django's syndication views, outside the API and its schema. */
function feedUrl(path: string, query: Record<string, unknown> = {}): string {
  const search = queryString(query);
  return `/api/v1/${path}${search ? `?${search}` : ''}`;
}

// --- Saved copies (offline) -----------------------------------------------------------------

// Answers the service worker gave from the copy saved on this phone rather than from
// Patchwatch: possibly out of date, so never taken as the server's latest word.
const offlineCopies = new WeakSet<object>();

// Answers Patchwatch gave again to a repeated write (the same Idempotency-Key): the
// write was done once, by the first attempt, whose answer was lost on the way.
const replayedAnswers = new WeakSet<object>();

/** Whether an API answer repeats the answer to an earlier attempt of the same write. */
export function isReplayedAnswer(value: unknown): boolean {
  return typeof value === 'object' && value !== null && replayedAnswers.has(value);
}

/** Whether an API answer came from the copy saved on this phone (see src/sw.ts). */
export function isOfflineCopy(value: unknown): boolean {
  return typeof value === 'object' && value !== null && offlineCopies.has(value);
}

// --- The calls ------------------------------------------------------------------------------

/**
 * A numeric id (a scheme's, a member's, a site's, an alert's) as the schema types it in a
 * path: an integer. Should the schema type it otherwise, this stops compiling and is the one
 * place to change.
 */
type PathId = paths['/api/v1/schemes/{id}/']['get']['parameters']['path']['id'];
const pathId = (id: number): PathId => id;

export type SchemeQuery = QueryOf<'/api/v1/schemes/'>;
export type ActivityQuery = QueryOf<'/api/v1/activity/'>;
export type SiteQuery = QueryOf<'/api/v1/speedwatch/sites/'>;
export type SessionQuery = QueryOf<'/api/v1/speedwatch/sessions/'>;
export type OffenceQuery = QueryOf<'/api/v1/speedwatch/offences/'>;
export type LetterQuery = QueryOf<'/api/v1/speedwatch/letters/'>;
export type PostedLetterQuery = QueryOf<'/api/v1/speedwatch/letters/posted/'>;
export type HeldOffenceQuery = QueryOf<'/api/v1/speedwatch/letters/held/'>;
export type AlertQuery = QueryOf<'/api/v1/alerts/'>;
export type InboxQuery = QueryOf<'/api/v1/inbox/'>;
export type MemberQuery = QueryOf<'/api/v1/schemes/{scheme_pk}/members/'>;
export type StatisticsQuery = Omit<QueryOf<'/api/v1/speedwatch/statistics/'>, 'format'>;

// --- Liaison review ---------------------------------------------------------------------

export type AuditQuery = QueryOf<'/api/v1/speedwatch/audit/'>;

export const reviewApi = {
  audit: (query: AuditQuery, signal?: AbortSignal) =>
    read(client.GET('/api/v1/speedwatch/audit/', { params: { query: { page_size: 50, ...query } }, signal })),
  /** The records the audit screen shows, as a CSV (the download is itself recorded). */
  auditExportUrl: ({ page: _page, page_size: _pageSize, ...filters }: AuditQuery) =>
    apiUrl('/api/v1/speedwatch/audit/export/', { query: filters }),
  site: (id: number, signal?: AbortSignal) =>
    read(client.GET('/api/v1/speedwatch/sites/{id}/', { params: { path: { id: pathId(id) } }, signal })),
  siteHistory: (id: number, signal?: AbortSignal) =>
    read(
      client.GET('/api/v1/speedwatch/sites/{id}/history/', {
        params: { path: { id: pathId(id) }, query: { page_size: 100 } },
        signal,
      }),
    ),
};

export const api = {
  config: () => read(client.GET('/api/v1/config/')),
  forces: () => read(client.GET('/api/v1/forces/', { params: { query: { page_size: 100 } } })),

  signup: (body: SignUpInput) => read(client.POST('/api/v1/auth/signup/', { body })),
  /** Signs in, or answers `otp_required` when the account uses two-factor sign-in. */
  login: (body: SignInInput): Promise<Me | OtpRequired> => read(client.POST('/api/v1/auth/login/', { body })),
  /** The second step of signing in: an authenticator code or a recovery code. */
  loginCode: (code: string) => read(client.POST('/api/v1/auth/login/otp/', { body: { code } })),
  logout: () => read(client.POST('/api/v1/auth/logout/')),
  passwordReset: (email: string) => read(client.POST('/api/v1/auth/password-reset/', { body: { email } })),
  passwordResetConfirm: (body: PasswordResetInput) =>
    read(client.POST('/api/v1/auth/password-reset/confirm/', { body })),

  me: () => read(client.GET('/api/v1/me/')),
  updateMe: (body: MeInput) => read(client.PATCH('/api/v1/me/', { body })),
  /** Everything held about the signed-in person, as a ZIP (each download is recorded). */
  myDataExportUrl: () => apiUrl('/api/v1/me/export/'),
  myMemberships: (page = 1) =>
    read(client.GET('/api/v1/me/memberships/', { params: { query: { page, page_size: 50 } } })),

  schemes: (query: SchemeQuery, signal?: AbortSignal) =>
    read(client.GET('/api/v1/schemes/', { params: { query }, signal })),
  scheme: (id: number, signal?: AbortSignal) =>
    read(client.GET('/api/v1/schemes/{id}/', { params: { path: { id: pathId(id) } }, signal })),
  proposeScheme: (body: SchemeInput) => read(client.POST('/api/v1/schemes/', { body })),
  updateScheme: (id: number, body: Partial<SchemeInput>) =>
    read(client.PATCH('/api/v1/schemes/{id}/', { params: { path: { id: pathId(id) } }, body })),
  setSchemeStatus: (id: number, status: SchemeDecision, reason: string) =>
    read(client.POST('/api/v1/schemes/{id}/status/', { params: { path: { id: pathId(id) } }, body: { status, reason } })),
  statusHistory: (id: number) =>
    read(
      client.GET('/api/v1/schemes/{scheme_pk}/status-history/', {
        params: { path: { scheme_pk: id }, query: { page_size: 50 } },
      }),
    ),
  join: (id: number, message: string) =>
    read(client.POST('/api/v1/schemes/{id}/join/', { params: { path: { id: pathId(id) } }, body: message ? { message } : undefined })),
  leave: (id: number) => read(client.POST('/api/v1/schemes/{id}/leave/', { params: { path: { id: pathId(id) } } })),

  members: (schemeId: number, query: MemberQuery) =>
    read(
      client.GET('/api/v1/schemes/{scheme_pk}/members/', {
        params: { path: { scheme_pk: pathId(schemeId) }, query: { page_size: 50, ...query } },
      }),
    ),
  approveMember: (schemeId: number, memberId: number) =>
    read(
      client.POST('/api/v1/schemes/{scheme_pk}/members/{id}/approve/', {
        params: { path: { scheme_pk: pathId(schemeId), id: pathId(memberId) } },
      }),
    ),
  setMemberRole: (schemeId: number, memberId: number, role: MemberRole) =>
    read(
      client.PATCH('/api/v1/schemes/{scheme_pk}/members/{id}/', {
        params: { path: { scheme_pk: pathId(schemeId), id: pathId(memberId) } },
        body: { role },
      }),
    ),
  removeMember: (schemeId: number, memberId: number) =>
    read(
      client.DELETE('/api/v1/schemes/{scheme_pk}/members/{id}/', {
        params: { path: { scheme_pk: pathId(schemeId), id: pathId(memberId) } },
      }),
    ),

  joinRequests: (page = 1) => read(client.GET('/api/v1/join-requests/', { params: { query: { page, page_size: 50 } } })),

  activity: (query: ActivityQuery) =>
    read(client.GET('/api/v1/activity/', { params: { query: { page_size: 50, ...query } } })),
  activityExportUrl: (query: ActivityQuery) => exportUrl('/api/v1/activity/export/', '/api/v1/activity/', query),

  // Community Speedwatch
  sites: (query: SiteQuery, signal?: AbortSignal) =>
    read(client.GET('/api/v1/speedwatch/sites/', { params: { query: { page_size: 50, ...query } }, signal })),
  proposeSite: (body: SiteInput) => read(client.POST('/api/v1/speedwatch/sites/', { body })),
  decideSite: (id: number, status: SiteDecision, reason: string) =>
    read(
      client.POST('/api/v1/speedwatch/sites/{id}/decision/', {
        params: { path: { id: pathId(id) } },
        body: { status, reason },
      }),
    ),
  /** Everyone who can be ticked as present at a session of the scheme. */
  activeMembers: (schemeId: number) =>
    read(
      client.GET('/api/v1/schemes/{scheme_pk}/members/', {
        params: { path: { scheme_pk: pathId(schemeId) }, query: { status: 'active', page_size: 100 } },
      }),
    ),

  sessions: async (query: SessionQuery, signal?: AbortSignal): Promise<Page<SpeedwatchSession>> => {
    const page = await read(
      client.GET('/api/v1/speedwatch/sessions/', { params: { query: { page_size: 20, ...query } }, signal }),
    );
    return { ...page, results: page.results.map((session) => filled<SpeedwatchSession>(session)) };
  },
  session: async (id: string, signal?: AbortSignal) =>
    filled<SessionWithOffences>(
      await read(client.GET('/api/v1/speedwatch/sessions/{id}/', { params: { path: { id } }, signal })),
    ),
  /** 201 for a new session; 200 with the stored one when this id was uploaded before. */
  createSession: async (body: SessionInput) =>
    filled<SessionWithOffences>(await read(uploads.POST('/api/v1/speedwatch/sessions/', { body }))),
  updateSession: async (id: string, body: SessionChanges) =>
    filled<SessionWithOffences>(
      await read(uploads.PATCH('/api/v1/speedwatch/sessions/{id}/', { params: { path: { id } }, body })),
    ),
  /** Offences whose id is already stored are skipped, so a retried upload adds nothing twice. */
  addOffence: (sessionId: string, offence: OffenceInput): Promise<Offence[]> =>
    read(
      uploads.POST('/api/v1/speedwatch/sessions/{id}/offences/', {
        params: { path: { id: sessionId } },
        body: offence,
      }),
    ),
  removeOffence: (sessionId: string, offenceId: string) =>
    read(
      uploads.DELETE('/api/v1/speedwatch/sessions/{id}/offences/{offence_id}/', {
        params: { path: { id: sessionId, offence_id: offenceId } },
      }),
    ),
  submitSession: async (id: string) =>
    filled<SessionWithOffences>(
      await read(uploads.POST('/api/v1/speedwatch/sessions/{id}/submit/', { params: { path: { id } } })),
    ),
  amendments: (id: string) =>
    read(
      client.GET('/api/v1/speedwatch/sessions/{id}/amendments/', {
        params: { path: { id }, query: { page_size: 50 } },
      }),
    ),
  amendSession: (id: string, reason: string, changes: AmendmentChanges) =>
    read(
      client.POST('/api/v1/speedwatch/sessions/{id}/amendments/', {
        params: { path: { id } },
        body: { reason, changes },
      }),
    ),

  offences: (query: OffenceQuery, signal?: AbortSignal) =>
    read(client.GET('/api/v1/speedwatch/offences/', { params: { query: { page_size: 20, ...query } }, signal })),
  settleDispute: (id: string, outcome: DisputeDecision, note: string) =>
    read(
      client.POST('/api/v1/speedwatch/offences/{id}/dispute/', {
        params: { path: { id } },
        body: { outcome, note },
      }),
    ),

  letters: (query: LetterQuery, signal?: AbortSignal) =>
    read(client.GET('/api/v1/speedwatch/letters/', { params: { query: { page_size: 50, ...query } }, signal })),
  markLetters: async (ids: string[], status: LetterMark) =>
    filled<LettersMarked>(await read(client.POST('/api/v1/speedwatch/letters/mark/', { body: { ids, status } }))),
  /** Keepers' names and addresses: the letters CSV filled in from the force's own lookup. */
  uploadKeeperAddresses: async (file: File) =>
    filled<KeeperAddressesStored>(
      await read(
        client.POST('/api/v1/speedwatch/letters/addresses/upload/', {
          body: { file: '' },
          bodySerializer: () => {
            const form = new FormData();
            form.append('file', file);
            return form;
          },
        }),
      ),
    ),
  /** What posting the waiting letters (of one stage, or all) would post: 400 where the server does not post. */
  lettersReady: (action: LetterStage | undefined, signal?: AbortSignal) =>
    read(client.GET('/api/v1/speedwatch/letters/post/', { params: { query: action ? { action } : {} }, signal })),
  /** Post the waiting letters through GOV.UK Notify (an Idempotency-Key makes a retry safe). */
  postLetters: async (action: LetterStage | undefined) =>
    filled<LettersPosted>(
      await read(client.POST('/api/v1/speedwatch/letters/post/', { body: action ? { action } : {} })),
    ),
  postedLetters: (query: PostedLetterQuery, signal?: AbortSignal) =>
    read(
      client.GET('/api/v1/speedwatch/letters/posted/', { params: { query: { page_size: 20, ...query } }, signal }),
    ),
  // Vehicle checks with the DVLA
  /** What the DVLA's register says of a plate as it is logged; never fails for the DVLA (not_checked then). */
  vehicleLookup: (body: { scheme: number; registration: string; make: string; colour: string }, signal?: AbortSignal) =>
    read<VehicleLookup>(client.POST('/api/v1/speedwatch/vehicle-checks/', { body, signal })),
  /** Offences the letters batch holds back for their vehicle. */
  heldOffences: (query: HeldOffenceQuery, signal?: AbortSignal) =>
    read(client.GET('/api/v1/speedwatch/letters/held/', { params: { query: { page_size: 20, ...query } }, signal })),
  /** Confirm a held-back offence's vehicle as recorded, or correct it (it is checked again). */
  decideVehicle: (id: string, body: VehicleDecision) =>
    read<HeldOffence>(
      client.POST('/api/v1/speedwatch/offences/{id}/vehicle/', { params: { path: { id } }, body }),
    ),
  /** The offences the list shows, as a CSV (every column; each download is audited). */
  offencesExportUrl: (query: OffenceQuery) =>
    exportUrl('/api/v1/speedwatch/offences/export/', '/api/v1/speedwatch/offences/', query),
  lettersExportUrl: (query: Pick<LetterQuery, 'scheme' | 'action'>, format: 'csv' | 'pdf') =>
    exportUrl('/api/v1/speedwatch/letters/export/', '/api/v1/speedwatch/letters/', query, {
      format: format === 'pdf' ? 'pdf' : undefined,
    }),

  // Alerts
  alerts: (query: AlertQuery, signal?: AbortSignal) =>
    read(client.GET('/api/v1/alerts/', { params: { query: { page_size: 20, ...query } }, signal })),
  alert: (id: number, signal?: AbortSignal) =>
    read(client.GET('/api/v1/alerts/{id}/', { params: { path: { id: pathId(id) } }, signal })),
  /** The schemes and how many people an alert would reach; 403 with the reason when it may not be issued. */
  previewAlert: (body: AlertInput, signal?: AbortSignal) =>
    read(client.POST('/api/v1/alerts/preview/', { body, signal })),
  draftAlert: (body: AlertInput) => read(client.POST('/api/v1/alerts/', { body })),
  /** Rewrites a draft as a whole (its author only). */
  editDraft: (id: number, body: AlertInput) =>
    read(client.PUT('/api/v1/alerts/{id}/', { params: { path: { id: pathId(id) } }, body })),
  deleteDraft: (id: number) => read(client.DELETE('/api/v1/alerts/{id}/', { params: { path: { id: pathId(id) } } })),
  /** What an alert asks of people when its author says nothing else, by category. */
  /** The usual advice, in `lang` (the app's language unless given). */
  alertGuidance: (signal?: AbortSignal, lang?: Language) =>
    read(
      client.GET('/api/v1/alerts/guidance/', {
        signal,
        ...(lang ? { headers: { 'Accept-Language': languageTag(lang) } } : {}),
      }),
    ),
  publishAlert: (id: number) =>
    read(client.POST('/api/v1/alerts/{id}/publish/', { params: { path: { id: pathId(id) } } })),
  /** Publishes an update: a new alert (201) to the same recipients. */
  updateAlert: (id: number, changes: AlertChanges) =>
    read(client.POST('/api/v1/alerts/{id}/update_alert/', { params: { path: { id: pathId(id) } }, body: changes })),
  /** Cancels an alert: a new alert (201) telling its recipients why. */
  cancelAlert: (id: number, changes: AlertChanges) =>
    read(client.POST('/api/v1/alerts/{id}/cancel/', { params: { path: { id: pathId(id) } }, body: changes })),
  deliverySummary: (id: number, signal?: AbortSignal) =>
    read(client.GET('/api/v1/alerts/{id}/summary/', { params: { path: { id: pathId(id) } }, signal })),
  alertReplies: async (id: number, page: number, signal?: AbortSignal) =>
    // The schema gives this GET the POST's 201 answer too; a GET answers with a page.
    (await read(
      client.GET('/api/v1/alerts/{id}/replies/', {
        params: { path: { id: pathId(id) }, query: { page, page_size: 20 } },
        signal,
      }),
    )) as Page<AlertReply>,
  reply: (id: number, body: string) =>
    read(client.POST('/api/v1/alerts/{id}/replies/', { params: { path: { id: pathId(id) } }, body: { body } })),
  markRepliesRead: (id: number) =>
    read(client.POST('/api/v1/alerts/{id}/replies/read/', { params: { path: { id: pathId(id) } } })),
  capUrl: (id: number) => apiUrl('/api/v1/alerts/{id}/cap/', { path: { id: pathId(id) } }),
  areaFeedUrl: (lat: number, lon: number, radiusM: number) =>
    feedUrl('feeds/alerts.atom', { lat, lon, radius_m: Math.round(radiusM) }),
  schemeFeedUrl: (schemeId: number) => feedUrl(`feeds/schemes/${schemeId}/alerts.atom`),

  inbox: (query: InboxQuery, signal?: AbortSignal) =>
    read(
      client.GET('/api/v1/inbox/', {
        params: { query: { page_size: 20, ...query, unread: query.unread || undefined } },
        signal,
      }),
    ),
  inboxUnread: async () => (await read(client.GET('/api/v1/inbox/unread/'))).unread,
  markRead: (ids: number[]) => read(client.POST('/api/v1/inbox/read/', { body: { ids } })),

  alertPreferences: async () => filled<AlertPreferences>(await read(client.GET('/api/v1/me/alert-preferences/'))),
  saveAlertPreferences: async (body: AlertPreferencesInput) =>
    filled<AlertPreferences>(await read(client.PUT('/api/v1/me/alert-preferences/', { body }))),
  savePushSubscription: (body: PushSubscriptionInput) => read(client.POST('/api/v1/me/push-subscriptions/', { body })),
  /** The schema leaves out this DELETE's body (drf-spectacular documents none on a DELETE). */
  removePushSubscription: (endpoint: PushSubscriptionInput['endpoint']) =>
    read(client.DELETE('/api/v1/me/push-subscriptions/', { body: { endpoint } as never })),

  statistics: (query: StatisticsQuery, signal?: AbortSignal) =>
    read(client.GET('/api/v1/speedwatch/statistics/', { params: { query }, signal })),
  statisticsCsvUrl: (query: StatisticsQuery) =>
    apiUrl('/api/v1/speedwatch/statistics/', { query: { ...query, format: 'csv' } }),

  // Alerts as threads, answers to replies, default settings, place search
  /** The alert's incident (the alert, its updates and cancellation), newest first, whichever of them `id` is. */
  alertThread: (id: number, signal?: AbortSignal) =>
    read(client.GET('/api/v1/alerts/{id}/thread/', { params: { path: { id: pathId(id) } }, signal })),
  /** Marks read what the user has of the alert's incident: its notices, and answers to their replies. */
  markIncidentRead: (id: number) => read(client.POST('/api/v1/alerts/{id}/read/', { params: { path: { id: pathId(id) } } })),
  /** Answers a reply to (a message of) the alert's incident; answering the same again changes nothing. */
  answerReply: (alertId: number, replyId: number, answer: string) =>
    read(
      client.POST('/api/v1/alerts/{id}/replies/{reply_id}/answer/', {
        params: { path: { id: pathId(alertId), reply_id: pathId(replyId) } },
        body: { answer },
      }),
    ),
  /** Forgets the saved alert settings: the defaults apply again (and are returned). */
  resetAlertPreferences: async () =>
    filled<AlertPreferences>(await read(client.DELETE('/api/v1/me/alert-preferences/'))),
  /** Where a postcode or town is; a field error under `q` when it is not known. */
  geocode: (q: string, signal?: AbortSignal) => read(client.GET('/api/v1/geocode/', { params: { query: { q } }, signal })),
  // --- Phone-sized screens: join request counts, declining with a reason, undo ---
  /** How many requests to join are waiting for the signed-in user (the menu's badge). */
  joinRequestCount: async (): Promise<number> =>
    (await read(client.GET('/api/v1/join-requests/', { params: { query: { page_size: 1 } } }))).count,
  /** Declines a request; the reason (optional) reaches the requester once it can no longer be undone. */
  declineMemberWithReason: (schemeId: number, memberId: number, reason: string) =>
    read(
      client.POST('/api/v1/schemes/{scheme_pk}/members/{id}/decline/', {
        params: { path: { scheme_pk: pathId(schemeId), id: pathId(memberId) } },
        body: reason ? { reason } : undefined,
      }),
    ),
  /** Takes a decline back while `decline_undo_until` has not passed: the request waits again. */
  undoDecline: (schemeId: number, memberId: number) =>
    read(
      client.POST('/api/v1/schemes/{scheme_pk}/members/{id}/undo-decline/', {
        params: { path: { scheme_pk: pathId(schemeId), id: pathId(memberId) } },
      }),
    ),
};

// --- Accounts: password, email, deleting the account; the force for a place -------------

export const accountApi = {
  changePassword: (body: PasswordChangeInput) => read(client.POST('/api/v1/me/password/', { body })),
  changeEmail: (body: EmailChangeInput) => read(client.POST('/api/v1/me/email/', { body })),
  confirmEmail: (token: string) => read(client.POST('/api/v1/auth/email-change/confirm/', { body: { token } })),
  deletionPreview: (signal?: AbortSignal) => read(client.GET('/api/v1/me/deletion/', { signal })),
  deleteAccount: (password: string) => read(client.POST('/api/v1/me/deletion/', { body: { password } })),
  twoFactor: (signal?: AbortSignal) => read(client.GET('/api/v1/me/two-factor/', { signal })),
  twoFactorEnrol: (password: string) => read(client.POST('/api/v1/me/two-factor/enrol/', { body: { password } })),
  twoFactorConfirm: (code: string) => read(client.POST('/api/v1/me/two-factor/confirm/', { body: { code } })),
  recoveryCodesRegenerate: (code: string) =>
    read(client.POST('/api/v1/me/two-factor/recovery-codes/', { body: { code } })),
  twoFactorDisable: (body: TwoFactorDisableInput) => read(client.POST('/api/v1/me/two-factor/disable/', { body })),
  /** The police force that most likely covers a point, and how sure that is. */
  locateForce: (lat: number, lon: number, signal?: AbortSignal) =>
    read(client.GET('/api/v1/forces/locate/', { params: { query: { lat, lon } }, signal })),
};

// --- Alert templates and a second liaison's approval ------------------------------------------

export type AlertTemplateQuery = QueryOf<'/api/v1/alert-templates/'>;

export const approvalApi = {
  /** The force's templates the signed-in person may compose from (liaisons and coordinators). */
  templates: (query: AlertTemplateQuery, signal?: AbortSignal) =>
    read(client.GET('/api/v1/alert-templates/', { params: { query: { page_size: 100, ...query } }, signal })),
  /** The placeholders a template may hold, and what goes in each. */
  placeholders: (signal?: AbortSignal) => read(client.GET('/api/v1/alert-templates/placeholders/', { signal })),
  addTemplate: (body: AlertTemplateInput) => read(client.POST('/api/v1/alert-templates/', { body })),
  changeTemplate: (id: number, body: AlertTemplateInput) =>
    read(client.PUT('/api/v1/alert-templates/{id}/', { params: { path: { id: pathId(id) } }, body })),
  deleteTemplate: (id: number) =>
    read(client.DELETE('/api/v1/alert-templates/{id}/', { params: { path: { id: pathId(id) } } })),
  /** The drafts of the liaison's force awaiting a second liaison's approval, oldest first. */
  awaiting: (page: number, signal?: AbortSignal) =>
    read(
      client.GET('/api/v1/alerts/', {
        params: { query: { approval: 'awaiting', ordering: 'created_at', page, page_size: 20 } },
        signal,
      }),
    ),
  /** Whom an alert reaches (or would, a draft): for the liaison asked to approve it. */
  reach: (id: number, signal?: AbortSignal) =>
    read(client.GET('/api/v1/alerts/{id}/reach/', { params: { path: { id: pathId(id) } }, signal })),
  approve: (id: number) => read(client.POST('/api/v1/alerts/{id}/approve/', { params: { path: { id: pathId(id) } } })),
  sendBack: (id: number, comment: string) =>
    read(client.POST('/api/v1/alerts/{id}/send_back/', { params: { path: { id: pathId(id) } }, body: { comment } })),
  policy: (signal?: AbortSignal) => read(client.GET('/api/v1/alert-approval-policy/', { signal })),
  savePolicy: (body: AlertApprovalPolicyInput) => read(client.PUT('/api/v1/alert-approval-policy/', { body })),
};

// --- Policing neighbourhoods: the force's set, importing it ---------------------------------

export const areasApi = {
  /** A force's neighbourhoods (or every force's), by name, with the active schemes in each. */
  neighbourhoods: (query: QueryOf<'/api/v1/neighbourhoods/'>, signal?: AbortSignal) =>
    read(client.GET('/api/v1/neighbourhoods/', { params: { query: { page_size: 100, ...query } }, signal })),
  /** Replaces the force's set with a GeoJSON or KML file's (staff name the force). */
  importNeighbourhoods: async (file: File, force?: ForceCode) =>
    filled<NeighbourhoodsImported>(
      await read(
        client.POST('/api/v1/neighbourhoods/import/', {
          body: { file: '' },
          bodySerializer: () => {
            const form = new FormData();
            form.append('file', file);
            if (force) form.append('force', force);
            return form;
          },
        }),
      ),
    ),
};
