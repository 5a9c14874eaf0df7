// The one place that talks to the Patchwatch REST API.
//
// Browser auth is the Django session: every unsafe request carries the CSRF
// token from the `csrftoken` cookie, and an Idempotency-Key so that a retried
// submission (POST, PUT, PATCH or DELETE) is not applied twice.

import type {
  AccountDeletionPreview,
  EmailChangeRequested,
  EmailChanged,
  ForceSuggestion,
  ActionStatus,
  ActivityEntry,
  Alert,
  AlertCategory,
  AlertDetail,
  AlertChanges,
  AlertInput,
  AlertPreferences,
  AlertReach,
  AlertReply,
  AlertStatus,
  AlertThread,
  GeocodedPlace,
  DeliverySummary,
  Notice,
  Amendment,
  Config,
  DisputeOutcome,
  Force,
  JoinRequest,
  Me,
  Member,
  OtpRequired,
  TwoFactorEnrolment,
  TwoFactorStatus,
  MemberRole,
  Membership,
  Offence,
  OffenceInput,
  Page,
  QueueOffence,
  Scheme,
  SchemeInput,
  SchemeStatus,
  SchemeSummary,
  SessionChanges,
  SessionInput,
  SessionWithOffences,
  Site,
  SiteInput,
  SiteStatus,
  SpeedwatchSession,
  SpeedwatchStatistics,
  StatusChange,
  AuditRecord,
  SiteStatusChange,
} from './types';
import type { AlertGuidance } from './alertGuidance';
import { noteApiAnswer, OFFLINE_COPY_HEADER } from './connection';

export const API_BASE = '/api/v1/';

type Query = Record<string, string | number | boolean | null | undefined>;

export class ApiError extends Error {
  /** HTTP status, or 0 when the server could not be reached. */
  readonly status: number;
  /** Field-level validation messages, keyed by field name ("contact.email" for nested fields). */
  readonly fields: Record<string, string[]>;
  /** Messages that belong to no field: `detail` and `non_field_errors`. */
  readonly general: string[];

  constructor(status: number, fields: Record<string, string[]>, general: string[]) {
    super(general[0] ?? Object.values(fields)[0]?.[0] ?? `Request failed (${status})`);
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

export function queryString(query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === null || value === undefined || value === '') continue;
    params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

export function apiUrl(path: string, query?: Query): string {
  return `${API_BASE}${path}${queryString(query)}`;
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
  if (status === 401 || status === 403) return 'You do not have permission to do that. Try signing in again.';
  if (status === 404) return 'That could not be found. It may have been removed.';
  if (status === 429) return 'Too many attempts. Wait a minute and try again.';
  if (status >= 500) return 'Patchwatch had a problem on its side. Try again in a moment.';
  return `Something went wrong (error ${status}).`;
}

const NETWORK_ERROR = 'Could not reach Patchwatch. Check your connection and try again.';

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let csrfReady: Promise<void> | null = null;

/** Makes sure the csrftoken cookie is set (GET auth/csrf/ sets it). */
export function ensureCsrf(force = false): Promise<void> {
  if (!force && readCookie('csrftoken')) return Promise.resolve();
  if (force || !csrfReady) {
    csrfReady = fetch(apiUrl('auth/csrf/'), { credentials: 'same-origin' })
      .then(() => undefined)
      .catch(() => undefined);
  }
  return csrfReady;
}

interface RequestOptions {
  query?: Query;
  body?: unknown;
  signal?: AbortSignal;
  /** Give up on an attempt after this long, as if the network had failed. */
  timeoutMs?: number;
}

async function request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
  const unsafe = method !== 'GET' && method !== 'HEAD';
  if (unsafe) await ensureCsrf();

  const bodyText = options.body === undefined ? undefined : JSON.stringify(options.body);
  const url = apiUrl(path, options.query);
  const signature = `${method} ${url} ${bodyText ?? ''}`;
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
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (bodyText !== undefined) headers['Content-Type'] = 'application/json';
    if (unsafe) headers['X-CSRFToken'] = readCookie('csrftoken') ?? '';
    if (idempotencyKey) headers['Idempotency-Key'] = idempotencyKey;

    let response: Response;
    try {
      const timeout =
        options.timeoutMs && typeof AbortSignal.timeout === 'function' ? AbortSignal.timeout(options.timeoutMs) : undefined;
      response = await fetch(url, {
        method,
        headers,
        body: bodyText,
        credentials: 'same-origin',
        signal: options.signal ?? timeout,
      });
    } catch (error) {
      if (options.signal?.aborted) throw error;
      if (attempt === 0) {
        await wait(800);
        continue;
      }
      throw new ApiError(0, {}, [NETWORK_ERROR]);
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
    const savedAt = response.headers.get(OFFLINE_COPY_HEADER);
    noteApiAnswer(savedAt);
    if (!response.ok) throw await errorFromResponse(response);
    if (response.status === 204) return undefined as T;
    const type = response.headers.get('Content-Type') ?? '';
    if (!type.includes('json')) return undefined as T;
    const data = (await response.json()) as T;
    if (savedAt !== null && data && typeof data === 'object') offlineCopies.add(data);
    if (response.headers.get('Idempotent-Replayed') === 'true' && data && typeof data === 'object') {
      replayedAnswers.add(data);
    }
    return data;
  }
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

const get = <T>(path: string, query?: Query, signal?: AbortSignal) =>
  request<T>('GET', path, { query, signal });
const post = <T>(path: string, body: unknown = {}) => request<T>('POST', path, { body });
const patch = <T>(path: string, body: unknown) => request<T>('PATCH', path, { body });
const del = (path: string) => request<void>('DELETE', path);

// A weak signal at the roadside can leave a request hanging for minutes; an upload that
// takes this long is given up and tried again later, which the client ids make safe.
const UPLOAD_TIMEOUT_MS = 20_000;
const upload = <T>(method: 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown) =>
  request<T>(method, path, { body, timeoutMs: UPLOAD_TIMEOUT_MS });

export interface SchemeQuery {
  kind?: string;
  q?: string;
  status?: string;
  force?: string;
  lat?: number;
  lon?: number;
  radius_m?: number;
  place?: string;
  ordering?: string;
  page?: number;
  page_size?: number;
}

export interface ActivityQuery {
  scheme?: string;
  kind?: string;
  type?: string;
  since?: string;
  until?: string;
  page?: number;
}

export interface SiteQuery {
  scheme?: number | string;
  status?: string;
  page?: number;
  page_size?: number;
}

export interface SessionQuery {
  scheme?: number | string;
  site?: number | string;
  status?: string;
  since?: string;
  until?: string;
  page?: number;
}

export interface OffenceQuery {
  scheme?: number | string;
  registration?: string;
  action?: string;
  action_status?: string;
  page?: number;
}

export interface AlertQuery {
  status?: AlertStatus | '';
  category?: AlertCategory | '';
  /** Only the alerts the signed-in user issued. */
  mine?: boolean;
  /** Only the alerts with replies nobody has read yet (that the signed-in user manages). */
  unread_replies?: boolean;
  page?: number;
  page_size?: number;
}

/** What a browser's PushSubscription.toJSON() gives. */
export interface PushSubscriptionInput {
  endpoint: string;
  keys: { p256dh: string; auth: string };
}

// --- Liaison review ---------------------------------------------------------------------

export interface AuditQuery {
  /** ISO date-times: from `since` (inclusive) to `until` (exclusive). */
  since?: string;
  until?: string;
  scheme?: number | string;
  /** Part of the person's name. */
  person?: string;
  action?: string;
  page?: number;
}

export const reviewApi = {
  audit: (query: AuditQuery, signal?: AbortSignal) =>
    get<Page<AuditRecord>>('speedwatch/audit/', { page_size: 50, ...query }, signal),
  /** The records the audit screen shows, as a CSV (the download is itself recorded). */
  auditExportUrl: (query: AuditQuery) => apiUrl('speedwatch/audit/export/', { ...query, page: undefined }),
  site: (id: number | string, signal?: AbortSignal) => get<Site>(`speedwatch/sites/${id}/`, undefined, signal),
  siteHistory: (id: number, signal?: AbortSignal) =>
    get<Page<SiteStatusChange>>(`speedwatch/sites/${id}/history/`, { page_size: 100 }, signal),
};

export interface StatisticsQuery {
  scheme?: number | string;
  site?: number | string;
  since?: string;
  until?: string;
}

export const api = {
  config: () => get<Config>('config/'),
  forces: () => get<Page<Force>>('forces/', { page_size: 100 }),

  signup: (body: { name: string; email: string; password: string; phone?: string; postcode?: string }) =>
    post<Me>('auth/signup/', body),
  /** Signs in, or answers `otp_required` when the account uses two-factor sign-in. */
  login: (body: { email: string; password: string }) => post<Me | OtpRequired>('auth/login/', body),
  /** The second step of signing in: an authenticator code or a recovery code. */
  loginCode: (code: string) => post<Me>('auth/login/otp/', { code }),
  logout: () => post<void>('auth/logout/'),
  passwordReset: (email: string) => post<{ detail: string }>('auth/password-reset/', { email }),
  passwordResetConfirm: (body: { uid: string; token: string; new_password: string }) =>
    post<void>('auth/password-reset/confirm/', body),

  me: () => get<Me>('me/'),
  updateMe: (body: { name: string; phone: string; postcode: string }) => patch<Me>('me/', body),
  /** Everything held about the signed-in person, as a ZIP (each download is recorded). */
  myDataExportUrl: () => apiUrl('me/export/'),
  myMemberships: (page = 1) => get<Page<Membership>>('me/memberships/', { page, page_size: 50 }),

  schemes: (query: SchemeQuery, signal?: AbortSignal) =>
    get<Page<SchemeSummary>>('schemes/', { ...query }, signal),
  scheme: (id: number | string, signal?: AbortSignal) => get<Scheme>(`schemes/${id}/`, undefined, signal),
  proposeScheme: (body: SchemeInput) => post<Scheme>('schemes/', body),
  updateScheme: (id: number, body: Partial<SchemeInput>) => patch<Scheme>(`schemes/${id}/`, body),
  setSchemeStatus: (id: number, status: SchemeStatus, reason: string) =>
    post<Scheme>(`schemes/${id}/status/`, { status, reason }),
  statusHistory: (id: number) => get<Page<StatusChange>>(`schemes/${id}/status-history/`, { page_size: 50 }),
  join: (id: number, message: string) => post<Membership>(`schemes/${id}/join/`, message ? { message } : {}),
  leave: (id: number) => post<void>(`schemes/${id}/leave/`),

  members: (schemeId: number | string, query: { status?: string; role?: string; q?: string; page?: number }) =>
    get<Page<Member>>(`schemes/${schemeId}/members/`, { page_size: 50, ...query }),
  approveMember: (schemeId: number, memberId: number) =>
    post<Member>(`schemes/${schemeId}/members/${memberId}/approve/`),
  declineMember: (schemeId: number, memberId: number) =>
    post<Member>(`schemes/${schemeId}/members/${memberId}/decline/`),
  setMemberRole: (schemeId: number, memberId: number, role: MemberRole) =>
    patch<Member>(`schemes/${schemeId}/members/${memberId}/`, { role }),
  removeMember: (schemeId: number, memberId: number) => del(`schemes/${schemeId}/members/${memberId}/`),

  joinRequests: (page = 1) => get<Page<JoinRequest>>('join-requests/', { page, page_size: 50 }),

  activity: (query: ActivityQuery) => get<Page<ActivityEntry>>('activity/', { page_size: 50, ...query }),
  activityExportUrl: (query: ActivityQuery) => apiUrl('activity/export/', { ...query, page: undefined }),

  // Community Speedwatch
  sites: (query: SiteQuery, signal?: AbortSignal) =>
    get<Page<Site>>('speedwatch/sites/', { page_size: 50, ...query }, signal),
  proposeSite: (body: SiteInput) => post<Site>('speedwatch/sites/', body),
  decideSite: (id: number, status: Exclude<SiteStatus, 'proposed'>, reason: string) =>
    post<Site>(`speedwatch/sites/${id}/decision/`, { status, reason }),
  /** Everyone who can be ticked as present at a session of the scheme. */
  activeMembers: (schemeId: number) =>
    get<Page<Member>>(`schemes/${schemeId}/members/`, { status: 'active', page_size: 100 }),

  sessions: (query: SessionQuery, signal?: AbortSignal) =>
    get<Page<SpeedwatchSession>>('speedwatch/sessions/', { page_size: 20, ...query }, signal),
  session: (id: string, signal?: AbortSignal) =>
    get<SessionWithOffences>(`speedwatch/sessions/${id}/`, undefined, signal),
  /** 201 for a new session; 200 with the stored one when this id was uploaded before. */
  createSession: (body: SessionInput) => upload<SessionWithOffences>('POST', 'speedwatch/sessions/', body),
  updateSession: (id: string, body: SessionChanges) =>
    upload<SessionWithOffences>('PATCH', `speedwatch/sessions/${id}/`, body),
  /** Offences whose id is already stored are skipped, so a retried upload adds nothing twice. */
  addOffence: (sessionId: string, offence: OffenceInput) =>
    upload<Offence[]>('POST', `speedwatch/sessions/${sessionId}/offences/`, offence),
  removeOffence: (sessionId: string, offenceId: string) =>
    upload<void>('DELETE', `speedwatch/sessions/${sessionId}/offences/${offenceId}/`),
  submitSession: (id: string) => upload<SessionWithOffences>('POST', `speedwatch/sessions/${id}/submit/`, {}),
  amendments: (id: string) => get<Page<Amendment>>(`speedwatch/sessions/${id}/amendments/`, { page_size: 50 }),
  amendSession: (id: string, reason: string, changes: Record<string, string | number | string[]>) =>
    post<Amendment>(`speedwatch/sessions/${id}/amendments/`, { reason, changes }),

  offences: (query: OffenceQuery, signal?: AbortSignal) =>
    get<Page<QueueOffence>>('speedwatch/offences/', { page_size: 20, ...query }, signal),
  settleDispute: (id: string, outcome: Exclude<DisputeOutcome, 'none'>, note: string) =>
    post<Offence>(`speedwatch/offences/${id}/dispute/`, { outcome, note }),

  letters: (query: OffenceQuery, signal?: AbortSignal) =>
    get<Page<QueueOffence>>('speedwatch/letters/', { page_size: 50, ...query }, signal),
  markLetters: (ids: string[], status: Exclude<ActionStatus, 'pending'>) =>
    post<{ updated: number }>('speedwatch/letters/mark/', { ids, status }),
  /** The offences the list shows, as a CSV (every column; each download is audited). */
  offencesExportUrl: (query: OffenceQuery) =>
    apiUrl('speedwatch/offences/export/', { ...query, page: undefined, page_size: undefined }),
  lettersExportUrl: (query: OffenceQuery, format: 'csv' | 'pdf') =>
    apiUrl('speedwatch/letters/export/', {
      scheme: query.scheme,
      action: query.action,
      format: format === 'pdf' ? 'pdf' : undefined,
    }),

  // Alerts
  alerts: (query: AlertQuery, signal?: AbortSignal) =>
    get<Page<AlertDetail>>('alerts/', { page_size: 20, ...query }, signal),
  alert: (id: number | string, signal?: AbortSignal) => get<AlertDetail>(`alerts/${id}/`, undefined, signal),
  /** The schemes and how many people an alert would reach; 403 with the reason when it may not be issued. */
  previewAlert: (body: AlertInput, signal?: AbortSignal) => request<AlertReach>('POST', 'alerts/preview/', { body, signal }),
  draftAlert: (body: AlertInput) => post<AlertDetail>('alerts/', body),
  /** Rewrites a draft as a whole (its author only). */
  editDraft: (id: number, body: AlertInput) => request<AlertDetail>('PUT', `alerts/${id}/`, { body }),
  deleteDraft: (id: number) => del(`alerts/${id}/`),
  /** What an alert asks of people when its author says nothing else, by category. */
  alertGuidance: (signal?: AbortSignal) => get<AlertGuidance>('alerts/guidance/', undefined, signal),
  publishAlert: (id: number) => post<AlertDetail>(`alerts/${id}/publish/`),
  /** Publishes an update: a new alert (201) to the same recipients. */
  updateAlert: (id: number, changes: AlertChanges) => post<Alert>(`alerts/${id}/update_alert/`, changes),
  /** Cancels an alert: a new alert (201) telling its recipients why. */
  cancelAlert: (id: number, changes: AlertChanges) => post<Alert>(`alerts/${id}/cancel/`, changes),
  deliverySummary: (id: number, signal?: AbortSignal) =>
    get<DeliverySummary>(`alerts/${id}/summary/`, undefined, signal),
  alertReplies: (id: number, page: number, signal?: AbortSignal) =>
    get<Page<AlertReply>>(`alerts/${id}/replies/`, { page, page_size: 20 }, signal),
  reply: (id: number, body: string) => post<AlertReply>(`alerts/${id}/replies/`, { body }),
  markRepliesRead: (id: number) => post<{ marked: number }>(`alerts/${id}/replies/read/`),
  capUrl: (id: number) => apiUrl(`alerts/${id}/cap/`),
  areaFeedUrl: (lat: number, lon: number, radiusM: number) =>
    apiUrl('feeds/alerts.atom', { lat, lon, radius_m: Math.round(radiusM) }),
  schemeFeedUrl: (schemeId: number) => apiUrl(`feeds/schemes/${schemeId}/alerts.atom`),

  inbox: (query: { unread?: boolean; page?: number; page_size?: number }, signal?: AbortSignal) =>
    get<Page<Notice>>('inbox/', { page_size: 20, ...query, unread: query.unread ? 'true' : undefined }, signal),
  markRead: (ids: number[]) => post<{ marked: number }>('inbox/read/', { ids }),

  alertPreferences: () => get<AlertPreferences>('me/alert-preferences/'),
  saveAlertPreferences: (body: AlertPreferences) => request<AlertPreferences>('PUT', 'me/alert-preferences/', { body }),
  savePushSubscription: (body: PushSubscriptionInput) => post<PushSubscriptionInput>('me/push-subscriptions/', body),
  removePushSubscription: (endpoint: string) => request<void>('DELETE', 'me/push-subscriptions/', { body: { endpoint } }),

  statistics: (query: StatisticsQuery, signal?: AbortSignal) =>
    get<SpeedwatchStatistics>('speedwatch/statistics/', { ...query }, signal),
  statisticsCsvUrl: (query: StatisticsQuery) => apiUrl('speedwatch/statistics/', { ...query, format: 'csv' }),

  // Alerts as threads, answers to replies, default settings, place search
  /** The alert's incident (the alert, its updates and cancellation), newest first, whichever of them `id` is. */
  alertThread: (id: number | string, signal?: AbortSignal) =>
    get<AlertThread>(`alerts/${id}/thread/`, undefined, signal),
  /** Marks read what the user has of the alert's incident: its notices, and answers to their replies. */
  markIncidentRead: (id: number) => post<{ marked: number }>(`alerts/${id}/read/`),
  /** Answers a reply to (a message of) the alert's incident; answering the same again changes nothing. */
  answerReply: (alertId: number, replyId: number, answer: string) =>
    post<AlertReply>(`alerts/${alertId}/replies/${replyId}/answer/`, { answer }),
  /** Forgets the saved alert settings: the defaults apply again (and are returned). */
  resetAlertPreferences: () => request<AlertPreferences>('DELETE', 'me/alert-preferences/'),
  /** Where a postcode or town is; a field error under `q` when it is not known. */
  geocode: (q: string, signal?: AbortSignal) => get<GeocodedPlace>('geocode/', { q }, signal),
  // --- Phone-sized screens: join request counts, declining with a reason, undo ---
  /** How many requests to join are waiting for the signed-in user (the menu's badge). */
  joinRequestCount: async (): Promise<number> =>
    (await get<Page<JoinRequest>>('join-requests/', { page_size: 1 })).count,
  /** Declines a request; the reason (optional) reaches the requester once it can no longer be undone. */
  declineMemberWithReason: (schemeId: number, memberId: number, reason: string) =>
    post<Member>(`schemes/${schemeId}/members/${memberId}/decline/`, reason ? { reason } : {}),
  /** Takes a decline back while `decline_undo_until` has not passed: the request waits again. */
  undoDecline: (schemeId: number, memberId: number) =>
    post<Member>(`schemes/${schemeId}/members/${memberId}/undo-decline/`),
};

// --- Accounts: password, email, deleting the account; the force for a place -------------

export const accountApi = {
  changePassword: (body: { current_password: string; new_password: string }) => post<void>('me/password/', body),
  changeEmail: (body: { new_email: string; password: string }) => post<EmailChangeRequested>('me/email/', body),
  confirmEmail: (token: string) => post<EmailChanged>('auth/email-change/confirm/', { token }),
  deletionPreview: (signal?: AbortSignal) => get<AccountDeletionPreview>('me/deletion/', undefined, signal),
  deleteAccount: (password: string) => post<void>('me/deletion/', { password }),
  twoFactor: (signal?: AbortSignal) => get<TwoFactorStatus>('me/two-factor/', undefined, signal),
  twoFactorEnrol: (password: string) => post<TwoFactorEnrolment>('me/two-factor/enrol/', { password }),
  twoFactorConfirm: (code: string) => post<{ recovery_codes: string[] }>('me/two-factor/confirm/', { code }),
  recoveryCodesRegenerate: (code: string) =>
    post<{ recovery_codes: string[] }>('me/two-factor/recovery-codes/', { code }),
  twoFactorDisable: (body: { password: string; code: string }) => post<void>('me/two-factor/disable/', body),
  /** The police force that most likely covers a point, and how sure that is. */
  locateForce: (lat: number, lon: number, signal?: AbortSignal) =>
    get<ForceSuggestion>('forces/locate/', { lat, lon }, signal),
};

