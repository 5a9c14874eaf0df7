import type {
  ActionStatus,
  AlertCategory,
  AlertChannel,
  AlertStatus,
  Audience,
  Severity,
  Urgency,
  Direction,
  DisputeOutcome,
  LetterAction,
  MemberRole,
  MemberStatus,
  SchemeKind,
  SchemeStatus,
  SessionStatus,
  SiteStatus,
  VehicleType,
  ServerConfig,
} from './api/schemas';
import { languageTag, t } from './i18n';

// --- The server's words for its choices ------------------------------------------------------

/**
 * A choice's words as the server gives them (config/'s `labels`, in the server's order),
 * filled in place by `labelsFromServer` when the configuration arrives, before any screen
 * shows. Without them (no server, and no saved copy of its configuration) a choice reads as
 * its own value.
 */
function serverLabels<K extends string>(): Record<K, string> {
  return new Proxy({} as Record<K, string>, {
    get: (words, key) => (typeof key === 'string' ? (words[key as K] ?? key) : undefined),
  });
}

type ServerLabels = ServerConfig['labels'];

const fromServer: [Record<string, string>, keyof ServerLabels][] = [];

function labelsOf<K extends string>(key: keyof ServerLabels): Record<K, string> {
  const words = serverLabels<K>();
  fromServer.push([words, key]);
  return words;
}

/** Takes the server's words for its choices (or forgets them: null). */
export function labelsFromServer(labels: ServerLabels | null | undefined): void {
  for (const [words, key] of fromServer) {
    for (const value of Object.keys(words)) delete words[value];
    Object.assign(words, labels?.[key] ?? {});
  }
  SEVERITIES.splice(0, SEVERITIES.length, ...(Object.keys(labels?.severity ?? {}) as Severity[]));
  URGENCIES.splice(0, URGENCIES.length, ...(Object.keys(labels?.urgency ?? {}) as Urgency[]));
}

export const KIND_LABELS = labelsOf<SchemeKind>('scheme_kind');

/**
 * The app's own words for a set of values, read from the catalogue (src/locales) in the
 * language of the moment: `words.active` is `t(keys.active)` whenever it is read.
 */
function translated<K extends string>(keys: Record<K, string>): Record<K, string> {
  return new Proxy(keys, {
    get: (map, key) => (typeof key === 'string' && key in map ? t(map[key as K]) : undefined),
  });
}

// The app's own wording: it says more here than the server's label does.
export const STATUS_LABELS: Record<SchemeStatus, string> = translated({
  proposed: 'schemeStatus.proposed',
  active: 'schemeStatus.active',
  suspended: 'schemeStatus.suspended',
  closed: 'schemeStatus.closed',
});

export const SHORT_STATUS_LABELS = labelsOf<SchemeStatus>('scheme_status');

export const ROLE_LABELS = labelsOf<MemberRole>('member_role');

// The app's own wording: it says more here than the server's label does.
export const MEMBER_STATUS_LABELS: Record<MemberStatus, string> = translated({
  pending: 'memberStatus.pending',
  active: 'memberStatus.active',
  declined: 'memberStatus.declined',
});

export function kindLabel(kind: string, display?: string): string {
  return display || KIND_LABELS[kind as SchemeKind] || kind;
}

export function formatDistance(metres: number | null | undefined): string {
  if (metres === null || metres === undefined) return '';
  if (metres < 1000) return t('units.metresAway', { n: formatNumber(Math.round(metres / 10) * 10) });
  const km = metres / 1000;
  return t('units.kilometresAway', { n: formatNumber(km < 10 ? Number(km.toFixed(1)) : Math.round(km)) });
}

export function formatRadius(metres: number): string {
  if (metres < 1000) return t('units.metres', { n: formatNumber(metres) });
  const km = metres / 1000;
  return t('units.kilometres', { n: formatNumber(Number.isInteger(km) ? km : Number(km.toFixed(1))) });
}

/** A number as the language writes it: "1,000" (decimal point, thousands with commas). */
export function formatNumber(n: number): string {
  return n.toLocaleString(languageTag());
}

// Welsh month and day names, for browsers whose Intl has no Welsh (Chromium's own builds
// carry dates for fewer languages than its plural rules): British English's format, with
// its month and day names put into Welsh.
const WELSH_MONTHS = {
  long: ['Ionawr', 'Chwefror', 'Mawrth', 'Ebrill', 'Mai', 'Mehefin', 'Gorffennaf', 'Awst', 'Medi', 'Hydref', 'Tachwedd', 'Rhagfyr'],
  short: ['Ion', 'Chwef', 'Maw', 'Ebr', 'Mai', 'Meh', 'Gorff', 'Awst', 'Medi', 'Hyd', 'Tach', 'Rhag'],
};
const WELSH_DAYS = {
  long: ['Dydd Sul', 'Dydd Llun', 'Dydd Mawrth', 'Dydd Mercher', 'Dydd Iau', 'Dydd Gwener', 'Dydd Sadwrn'],
  short: ['Sul', 'Llun', 'Maw', 'Mer', 'Iau', 'Gwe', 'Sad'],
};

function welshFormat(options: Intl.DateTimeFormatOptions): (date: Date) => string {
  const english = new Intl.DateTimeFormat('en-GB', options);
  const monthWidth = options.month === 'long' ? 'long' : 'short';
  const dayWidth = options.weekday === 'long' ? 'long' : 'short';
  // English's names, to be read back as numbers: a month's from its middle, a day's from a
  // week of January 2023 (the 1st was a Sunday).
  const months = new Map<string, number>();
  const days = new Map<string, number>();
  for (let month = 0; month < 12; month++) {
    const name = new Intl.DateTimeFormat('en-GB', { month: options.month, timeZone: 'UTC' }).format(
      new Date(Date.UTC(2023, month, 15)),
    );
    months.set(name, month);
  }
  for (let day = 0; day < 7; day++) {
    const name = new Intl.DateTimeFormat('en-GB', { weekday: options.weekday, timeZone: 'UTC' }).format(
      new Date(Date.UTC(2023, 0, 1 + day, 12)),
    );
    days.set(name, day);
  }
  return (date) =>
    english
      .formatToParts(date)
      .map((part) => {
        if (part.type === 'month' && months.has(part.value)) return WELSH_MONTHS[monthWidth][months.get(part.value)!];
        if (part.type === 'weekday' && days.has(part.value)) return WELSH_DAYS[dayWidth][days.get(part.value)!];
        return part.value;
      })
      .join('');
}

/**
 * A date format in the language of the moment (Welsh: "7 Rhagfyr 2026"), made once per
 * language: Intl's own where the browser has the language, else the stand-in above.
 */
function localFormat(options: Intl.DateTimeFormatOptions): { format: (date: Date) => string } {
  const made = new Map<string, (date: Date) => string>();
  return {
    format: (date: Date) => {
      const tag = languageTag();
      let format = made.get(tag);
      if (!format) {
        const intl = Intl.DateTimeFormat.supportedLocalesOf([tag]).length
          ? new Intl.DateTimeFormat(tag, options)
          : null;
        if (intl) format = (value: Date) => intl.format(value);
        else if (tag === 'cy') format = welshFormat(options);
        else format = (value: Date) => new Intl.DateTimeFormat('en-GB', options).format(value);
        made.set(tag, format);
      }
      return format(date);
    },
  };
}

// --- Times: always Europe/London -----------------------------------------------------------
// Schemes, sessions and alerts are in England and Wales, and the server works in London
// time, so every time is shown, and every typed date or time read, as London's clock says,
// whatever zone the phone is set to (a volunteer back from holiday, a laptop on UTC).

export const TIME_ZONE = 'Europe/London';

const dateFormat = localFormat({
  timeZone: TIME_ZONE,
  day: 'numeric',
  month: 'long',
  year: 'numeric',
});
const dateTimeFormat = localFormat({
  timeZone: TIME_ZONE,
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
});

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '';
  // A bare date ("2026-03-01", a device check, say) is a day, not a moment: as it is.
  if (/^\d{4}-\d{2}-\d{2}$/.test(iso)) {
    const [y, m, d] = iso.split('-').map(Number);
    return dateFormat.format(new Date(Date.UTC(y, m - 1, d, 12)));
  }
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : dateFormat.format(date);
}

export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : dateTimeFormat.format(date);
}

const partsFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: TIME_ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
}

/** What London's clock and calendar say at a moment. */
export function londonWallTime(date: Date): WallTime {
  const parts: Record<string, number> = {};
  for (const part of partsFormat.formatToParts(date)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return { year: parts.year, month: parts.month, day: parts.day, hour: parts.hour % 24, minute: parts.minute };
}

/** Minutes London is ahead of UTC at a moment: 0 in winter, 60 in summer. */
function londonOffsetMinutes(at: number): number {
  const wall = londonWallTime(new Date(at));
  const asUtc = Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute);
  return Math.round((asUtc - Math.floor(at / 60_000) * 60_000) / 60_000);
}

/**
 * The moment London's clock shows this wall time. In the hour the clocks go back (which
 * happens twice) the first is meant; a time the clocks skip in spring is read an hour on.
 */
export function fromLondonWallTime(year: number, month: number, day: number, hour = 0, minute = 0): Date {
  const asUtc = Date.UTC(year, month - 1, day, hour, minute);
  // The moment is asUtc less London's offset then, which is the offset an hour earlier
  // unless the clocks changed in between: exactly the two cases above.
  return new Date(asUtc - londonOffsetMinutes(asUtc - 60 * 60_000) * 60_000);
}

/** The moment a day typed in a date input ("2026-03-29") begins in London, plus whole days. */
export function londonMidnight(day: string, plusDays = 0): Date | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!match) return null;
  return fromLondonWallTime(Number(match[1]), Number(match[2]), Number(match[3]) + plusDays);
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** How many rows a list holds, for a list that counts them only so far ("More than 1,000 offences"). */
export function countOf(
  list: { count: number; countCapped: boolean },
  one: string,
  many = `${one}s`,
): string {
  if (list.countCapped) return `More than ${list.count.toLocaleString('en-GB')} ${many}`;
  return plural(list.count, one, many);
}

// --- Community Speedwatch -----------------------------------------------------------

export const SITE_STATUS_LABELS = labelsOf<SiteStatus>('site_status');

export const SESSION_STATUS_LABELS = labelsOf<SessionStatus>('session_status');

export const DIRECTION_LABELS = labelsOf<Direction>('direction');

// The app's own wording: it says more here than the server's label does.
export const VEHICLE_TYPE_LABELS: Record<VehicleType, string> = translated({
  car: 'vehicleType.car',
  van: 'vehicleType.van',
  lorry: 'vehicleType.lorry',
  bus: 'vehicleType.bus',
  motorcycle: 'vehicleType.motorcycle',
  other: 'vehicleType.other',
});

// The app's own wording: it says more here than the server's label does.
export const ACTION_LABELS: Record<LetterAction, string> = translated({
  first_letter: 'offenceAction.first_letter',
  second_letter: 'offenceAction.second_letter',
  police_action: 'offenceAction.police_action',
  none: 'offenceAction.none',
});

export const ACTION_STATUS_LABELS = labelsOf<ActionStatus>('action_status');

// The app's own wording: it says more here than the server's label does.
export const DISPUTE_LABELS: Record<DisputeOutcome, string> = translated({
  none: 'disputeOutcome.none',
  pending: 'disputeOutcome.pending',
  upheld: 'disputeOutcome.upheld',
  rejected: 'disputeOutcome.rejected',
});

/** "20, 30 and 40". */
export function inWords(items: (string | number)[]): string {
  const texts = items.map(String);
  return texts.length < 2 ? texts.join('') : `${texts.slice(0, -1).join(', ')} and ${texts[texts.length - 1]}`;
}

const REGISTRATION_SHAPES: RegExp[] = [
  /^([A-Z]{2}[0-9]{2})([A-Z]{3})$/, // current: AB12 CDE
  /^([A-Z][0-9]{1,3})([A-Z]{3})$/, // prefix: A123 BCD
  /^([A-Z]{3})([0-9]{1,3}[A-Z])$/, // suffix: ABC 123D
];

/** A stored registration as it is printed on a plate ("AB12CDE" reads "AB12 CDE"). */
export function formatRegistration(registration: string): string {
  for (const shape of REGISTRATION_SHAPES) {
    const match = shape.exec(registration);
    if (match) return `${match[1]} ${match[2]}`;
  }
  return registration;
}

/** What the server will store: capitals, no spaces or dashes. */
export function normaliseRegistration(value: string): string {
  return value.replace(/[\s-]+/g, '').toUpperCase();
}

const timeFormat = localFormat({ timeZone: TIME_ZONE, hour: '2-digit', minute: '2-digit' });
// Months are named from the middle of the month in UTC: the same month in London.
const monthFormat = localFormat({ timeZone: 'UTC', month: 'short', year: 'numeric' });
const dayFormat = localFormat({
  timeZone: TIME_ZONE,
  weekday: 'short',
  day: 'numeric',
  month: 'short',
  year: 'numeric',
});

export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? iso : timeFormat.format(date);
}

/** "Sat 21 Nov 2026, 10:00 to 11:00". */
export function formatSessionTimes(startIso: string, endIso: string): string {
  const start = new Date(startIso);
  if (Number.isNaN(start.getTime())) return t('sessionTimes.between', { start: startIso, end: endIso });
  return t('sessionTimes.onDay', { day: dayFormat.format(start), start: formatTime(startIso), end: formatTime(endIso) });
}

/** "2026-10" reads "Oct 2026". */
export function formatMonth(month: string): string {
  const [year, number] = month.split('-').map(Number);
  if (!year || !number) return month;
  return monthFormat.format(new Date(Date.UTC(year, number - 1, 15)));
}

const pad = (n: number) => String(n).padStart(2, '0');

/** "10:37": a time input's value for a moment, on London's clock. */
export function toLondonTime(date: Date): string {
  const wall = londonWallTime(date);
  return `${pad(wall.hour)}:${pad(wall.minute)}`;
}

/** The moment on the London day of ``dayOf`` at the time typed ("10:37"); null when not a time. */
export function atLondonTime(dayOf: Date, time: string): Date | null {
  const match = /^(\d{2}):(\d{2})$/.exec(time);
  if (!match) return null;
  const wall = londonWallTime(dayOf);
  return fromLondonWallTime(wall.year, wall.month, wall.day, Number(match[1]), Number(match[2]));
}

/** The value a datetime-local input shows for a moment: London's date and time. */
export function toLocalInput(date: Date): string {
  return `${toLocalDate(date)}T${toLondonTime(date)}`;
}

/** YYYY-MM-DD: London's date at a moment (a date input's value). */
export function toLocalDate(date: Date): string {
  const wall = londonWallTime(date);
  return `${wall.year}-${pad(wall.month)}-${pad(wall.day)}`;
}

/** A datetime-local value read as London's date and time; null when it is not a time. */
export function fromLocalInput(value: string): Date | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})/.exec(value);
  if (!match) return null;
  const [year, month, day, hour, minute] = match.slice(1).map(Number);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59) return null;
  const date = fromLondonWallTime(year, month, day, hour, minute);
  return Number.isNaN(date.getTime()) ? null : date;
}

export function formatHours(minutes: number): string {
  const hours = minutes / 60;
  return t('sessionTimes.hours', {
    count: hours,
    n: formatNumber(Number.isInteger(hours) ? hours : Number(hours.toFixed(1))),
  });
}

// --- Alerts -------------------------------------------------------------------------------

export const CATEGORY_LABELS = labelsOf<AlertCategory>('alert_category');

/** CAP 1.2's severities, most severe first, as the server lists them. */
export const SEVERITIES: Severity[] = [];

/** CAP 1.2's meanings, in plain words. */
export const SEVERITY_HINTS: Record<Severity, string> = translated({
  Extreme: 'severityHint.Extreme',
  Severe: 'severityHint.Severe',
  Moderate: 'severityHint.Moderate',
  Minor: 'severityHint.Minor',
  Unknown: 'severityHint.Unknown',
});

/** CAP 1.2's urgencies, most urgent first, as the server lists them. */
export const URGENCIES: Urgency[] = [];

export const URGENCY_HINTS: Record<Urgency, string> = translated({
  Immediate: 'urgencyHint.Immediate',
  Expected: 'urgencyHint.Expected',
  Future: 'urgencyHint.Future',
  Past: 'urgencyHint.Past',
  Unknown: 'urgencyHint.Unknown',
});

// The app's own wording: it says more here than the server's label does.
export const AUDIENCE_LABELS: Record<Audience, string> = translated({
  members: 'audience.members',
  coordinators: 'audience.coordinators',
});

export const ALERT_STATUS_LABELS = labelsOf<AlertStatus>('alert_status');

export const SEVERITY_LABELS = labelsOf<Severity>('severity');

export const URGENCY_LABELS = labelsOf<Urgency>('urgency');

export const CHANNEL_LABELS = labelsOf<AlertChannel>('alert_channel');
