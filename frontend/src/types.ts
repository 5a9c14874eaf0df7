// Shapes returned by the Patchwatch REST API (/api/v1/).

export type SchemeKind = 'neighbourhood' | 'speedwatch' | 'countryside';
export type SchemeStatus = 'proposed' | 'active' | 'suspended' | 'closed';
export type MemberRole = 'volunteer' | 'coordinator';
export type MemberStatus = 'pending' | 'active' | 'declined';

export interface Page<T> {
  count: number;
  next: string | null;
  previous: string | null;
  results: T[];
}

export interface Config {
  tile_url: string;
  tile_attribution: string;
  geocoder_enabled: boolean;
  default_centre: { lat: number; lon: number };
  default_zoom: number;
  /** VAPID public key for web push; empty when push notifications are off. */
  webpush_public_key?: string;
  /** The speed limits a speedwatch site may have, lowest first. */
  speedwatch_allowed_limits_mph: number[];
  /** For each allowed limit (keyed as text, "30"), the lowest speed that is an offence. */
  speedwatch_threshold_mph: Record<string, number>;
  // The session rules the server applies. Null only in the stand-in used when the server
  // could not be reached: the forms then leave those checks to the server.
  /** The fewest scheme members who must be present at a session. */
  speedwatch_min_members_present: number | null;
  /** The longest a session may last, in hours. */
  speedwatch_session_max_hours: number | null;
  /** How many days before a session the device's last accuracy check may be. */
  speedwatch_device_check_max_age_days: number | null;
  /** How many hours after its end a session may still be submitted. */
  speedwatch_submit_within_hours: number | null;
  // The scheme form's limits, the server's own. Absent only in the offline stand-in.
  scheme_radius_min_m?: number;
  scheme_radius_max_m?: number;
  scheme_polygon_max_vertices?: number;
  scheme_polygon_max_span_m?: number;
  /** The longest text each scheme field takes: name, description, contact_name, contact_phone. */
  scheme_text_max_lengths?: Record<string, number>;
}

export interface Force {
  code: string;
  name: string;
}

export interface Me {
  id: number;
  email: string;
  name: string;
  phone: string;
  postcode: string;
  is_staff: boolean;
  liaison: null | { force: string; force_name: string; role_title?: string };
  coordinator_of: number[];
  memberships?: { scheme: number; kind: SchemeKind; role: MemberRole }[];
  /** A new address waiting for the link sent to it to be followed. */
  pending_email?: string | null;
  /** Every sign-in asks for a code from an authenticator app. */
  two_factor_enabled?: boolean;
  /** Police liaisons and staff must use two-factor sign-in: until it is set up, nothing else works. */
  two_factor_required?: boolean;
}

/** The password step's answer when the account uses two-factor sign-in. */
export interface OtpRequired {
  otp_required: true;
  detail: string;
}

export interface TwoFactorStatus {
  enabled: boolean;
  required: boolean;
  recovery_codes_left: number;
  can_disable: boolean;
}

export interface TwoFactorEnrolment {
  /** The key to type into an authenticator app (base32). */
  secret: string;
  otpauth_uri: string;
  /** The otpauth link as a QR code (an SVG data URL). */
  qr_svg: string;
}

export interface GeoJsonPolygon {
  type: 'Polygon';
  coordinates: number[][][];
}

export interface SchemeSummary {
  id: number;
  name: string;
  kind: SchemeKind;
  kind_display: string;
  status: SchemeStatus;
  force: string;
  force_name: string;
  lat: number | null;
  lon: number | null;
  radius_m: number | null;
  boundary: GeoJsonPolygon | null;
  distance_m: number | null;
  member_count: number;
}

export interface MyMembership {
  id: number;
  role: MemberRole;
  status: MemberStatus;
  /** The coordinator's reason, once a decline is final. */
  decline_reason?: string;
}

export interface Scheme extends SchemeSummary {
  description: string;
  contact: { name: string; email?: string; phone?: string };
  created_at: string;
  approved_at: string | null;
  show_contact_email?: boolean;
  show_contact_phone?: boolean;
  my_membership: MyMembership | null;
  /** Members and join requests: coordinators and the covering liaison. */
  can_manage: boolean;
  /** Details: managers, and the proposer while the scheme is proposed. */
  can_edit?: boolean;
  /** Approve, suspend, reinstate: the covering liaison. */
  can_review: boolean;
  can_see_history: boolean;
  /** Who proposed it: for its coordinators, covering liaisons and the proposer; else null. */
  proposer?: { id: number; name: string; email: string } | null;
}

export interface Membership {
  id: number;
  scheme: SchemeSummary;
  role: MemberRole;
  status: MemberStatus;
  message?: string;
  requested_at: string;
  joined_at: string | null;
  /** The coordinator's reason, once a decline is final (it can no longer be undone). */
  decline_reason?: string;
  /** For a coordinator of an active scheme: requests waiting for a decision; otherwise null. */
  join_requests_waiting?: number | null;
}

export interface MemberUser {
  id: number;
  name: string;
  email: string;
  phone: string;
  postcode: string;
}

export interface SchemeRef {
  id: number;
  name: string;
  kind: SchemeKind;
}

export interface Member {
  id: number;
  user: MemberUser;
  scheme?: SchemeRef;
  role: MemberRole;
  status: MemberStatus;
  message: string;
  requested_at: string;
  joined_at: string | null;
  decided_at?: string | null;
  decline_reason?: string;
  /** Until when a decline can be undone; the requester is told only afterwards. */
  decline_undo_until?: string | null;
}

export interface JoinRequest extends Member {
  scheme: SchemeRef;
}

export interface StatusChange {
  /** Null for the first step. */
  from_status: SchemeStatus | null;
  to_status: SchemeStatus;
  actor_name: string;
  reason: string;
  at: string;
}

export interface ActivityEntry {
  id: number;
  scheme: SchemeRef | null;
  type: string;
  type_display: string;
  actor_name: string;
  summary: string;
  at: string;
}

/** Fields a coordinator or proposer sends when creating or editing a scheme. */
export interface SchemeInput {
  name: string;
  kind: SchemeKind;
  description: string;
  force: string;
  lat: number | null;
  lon: number | null;
  radius_m: number | null;
  contact_name: string;
  contact_email: string;
  contact_phone: string;
  show_contact_email: boolean;
  show_contact_phone: boolean;
}

// --- Community Speedwatch -----------------------------------------------------------

export type SiteStatus = 'proposed' | 'approved' | 'rejected' | 'suspended';
export type Direction = 'northbound' | 'southbound' | 'eastbound' | 'westbound' | 'both';
export type VehicleType = 'car' | 'van' | 'lorry' | 'bus' | 'motorcycle' | 'other';
export type SessionStatus = 'draft' | 'submitted';
export type LetterAction = 'first_letter' | 'second_letter' | 'police_action' | 'none';
export type ActionStatus = 'pending' | 'sent' | 'done';
export type DisputeOutcome = 'none' | 'pending' | 'upheld' | 'rejected';

export interface RiskAssessment {
  safe_standing_place: boolean;
  clear_view: boolean;
  no_obstruction: boolean;
  parking_nearby: boolean;
}

export interface Site {
  id: number;
  scheme: SchemeRef & { status?: SchemeStatus };
  name: string;
  road_name: string;
  lat: number;
  lon: number;
  speed_limit_mph: number;
  /** The lowest speed recorded as an offence here, as the server reckons it. */
  threshold_mph: number;
  direction: Direction;
  notes: string;
  risk_assessment: Partial<RiskAssessment>;
  status: SiteStatus;
  status_display: string;
  decision_reason: string;
  decided_at: string | null;
  created_at: string;
  /** The risk assessment in words, as the server asks it. */
  risk_answers: RiskAnswer[];
  /** Who proposed it: for its scheme's coordinators and the covering liaisons; else null. */
  proposed_by: Person | null;
  /** Whether the viewer may read its history (speedwatch/sites/{id}/history/). */
  can_see_history: boolean;
  /** The statuses the viewer may move it to now; empty for all but the covering liaisons. */
  decisions: Exclude<SiteStatus, 'proposed'>[];
  can_decide: boolean;
}

export interface SiteInput {
  scheme: number;
  name: string;
  road_name: string;
  lat: number;
  lon: number;
  speed_limit_mph: number;
  direction: Direction;
  notes: string;
  risk_assessment: RiskAssessment;
}

/** The short form of a site that a session carries. */
export interface SessionSite {
  id: number;
  name: string;
  road_name: string;
  speed_limit_mph: number;
  threshold_mph: number;
}

export interface Person {
  id: number;
  name: string;
}

export interface SpeedwatchSession {
  id: string;
  scheme: SchemeRef;
  site: SessionSite;
  started_at: string;
  ended_at: string;
  vehicles_counted: number;
  device_name: string;
  device_serial: string;
  device_checked_on: string;
  notes: string;
  present: Person[];
  volunteer_minutes: number;
  status: SessionStatus;
  submitted_at: string | null;
  offence_count: number;
}

/**
 * An offence. Volunteers get the registration masked ("AB12 ***") and none of the
 * fields about letters, so those are optional.
 */
export interface Offence {
  id: string;
  session?: string;
  registration: string;
  registration_format?: string;
  make: string;
  model: string;
  colour: string;
  vehicle_type: VehicleType;
  speed_mph: number;
  speed_limit_mph: number;
  observed_at: string;
  direction: Direction | '';
  /** Null while the session is a draft: the escalation is not settled until it is submitted. */
  action?: LetterAction | null;
  action_display?: string | null;
  action_status?: ActionStatus | null;
  /** Whether its session has been submitted (not told to volunteers). */
  submitted?: boolean;
  voided: boolean;
  dispute_outcome?: DisputeOutcome;
  dispute_note?: string;
  anonymised_at?: string | null;
}

export interface SessionWithOffences extends SpeedwatchSession {
  offences: Offence[];
}

/** An offence in the letters queue or a search, with where it was recorded. */
export interface QueueOffence extends Offence {
  scheme: SchemeRef;
  site_name: string;
  road_name: string;
}

export interface OffenceInput {
  id: string;
  registration: string;
  make: string;
  model: string;
  colour: string;
  vehicle_type: VehicleType;
  speed_mph: number;
  observed_at: string;
}

export interface SessionInput {
  id: string;
  site: number;
  started_at: string;
  ended_at: string;
  vehicles_counted: number;
  device_name: string;
  device_serial: string;
  device_checked_on: string;
  notes: string;
  present: number[];
  offences: OffenceInput[];
}

export type SessionChanges = Partial<Omit<SessionInput, 'id' | 'site' | 'offences'>>;

export interface Amendment {
  id: number;
  actor_name: string;
  reason: string;
  /** [before, after] for each field; void_offences lists the ids voided. */
  changes: Record<string, unknown>;
  at: string;
}

export interface MonthFigures {
  month: string;
  sessions: number;
  vehicles: number;
  offences: number;
  percent_over_threshold: number | null;
}

export interface SpeedwatchStatistics {
  sessions: number;
  volunteer_hours: number;
  vehicles: number;
  offences: number;
  percent_over_threshold: number | null;
  mean_speed_mph: number | null;
  p85_speed_mph: number | null;
  letters: number;
  referrals: number;
  repeat_vehicles: number;
  monthly: MonthFigures[];
}

// --- Alerts -----------------------------------------------------------------------------

export type AlertCategory =
  | 'burglary'
  | 'vehicle_crime'
  | 'bogus_caller'
  | 'rural_crime'
  | 'hare_coursing'
  | 'fly_tipping'
  | 'speeding'
  | 'missing_person'
  | 'suspicious_activity'
  | 'general';
/** CAP 1.2 severity, most severe first. */
export type Severity = 'Extreme' | 'Severe' | 'Moderate' | 'Minor' | 'Unknown';
/** CAP 1.2 urgency. */
export type Urgency = 'Immediate' | 'Expected' | 'Future' | 'Past' | 'Unknown';
export type Audience = 'coordinators' | 'members';
export type MessageType = 'Alert' | 'Update' | 'Cancel';
export type AlertStatus = 'draft' | 'published' | 'updated' | 'cancelled' | 'expired';
export type AlertChannel = 'in_app' | 'email' | 'push' | 'sms';
export type NoticeState = 'queued' | 'sending' | 'sent' | 'failed' | 'withdrawn';

export interface SchemeBrief {
  id: number;
  name: string;
  kind: SchemeKind;
  status: SchemeStatus;
}

export interface Alert {
  id: number;
  identifier: string;
  message_type: MessageType;
  /** The alert this one updates or cancels. */
  references: number | null;
  /** The first alert of the incident (its own id for a first alert): an alert, its updates and its cancellation share it. */
  incident: number;
  /** Where the incident stands: its latest message's status (all of a cancelled incident is cancelled). */
  incident_status: AlertStatus;
  title: string;
  body: string;
  category: AlertCategory;
  category_display: string;
  severity: Severity;
  urgency: Urgency;
  audience: Audience;
  scheme_kinds: SchemeKind[];
  public: boolean;
  lat: number;
  lon: number;
  radius_m: number | null;
  boundary: GeoJsonPolygon | null;
  status: AlertStatus;
  expires_at: string;
  created_at: string;
  published_at: string | null;
  force: string;
  /** The scheme a coordinator issued it for; null for a liaison's alert. */
  scheme: SchemeBrief | null;
  issuer_name: string;
  recipients_count: number;
}

/** An alert as the alerts endpoints show it, with what the viewer may do about it. */
export interface AlertDetail extends Alert {
  /** The issuer and the force's liaisons: delivery figures, replies, update and cancel. */
  can_manage: boolean;
  /** A draft, to its author: edit, delete, publish. */
  can_edit: boolean;
  /** Replies nobody has read yet; null for those who do not manage the alert. */
  unread_replies: number | null;
}

/** One card of the signed-in user's in-app inbox: the latest notice of an incident. */
export interface Notice {
  id: number;
  alert: Alert;
  channel: AlertChannel;
  state: NoticeState;
  queued_at: string;
  sent_at: string | null;
  read_at: string | null;
  /** Anything of the incident unread: a notice of one of its messages, or an answer to a reply. */
  unread: boolean;
  /** Someone answered the reader's reply about this incident since they last opened it. */
  new_answer: boolean;
}

/** The area of an alert: a circle, or a GeoJSON polygon ([lon, lat] positions, closed). */
export type AlertAreaInput = { lat: number; lon: number; radius_m: number } | { boundary: GeoJsonPolygon };

export type AlertInput = AlertAreaInput & {
  title: string;
  body: string;
  category: AlertCategory;
  severity: Severity;
  urgency: Urgency;
  audience: Audience;
  scheme_kinds: SchemeKind[];
  public: boolean;
  expires_at?: string;
  scheme?: number;
};

export interface AlertChanges {
  title?: string;
  body?: string;
  severity?: Severity;
  urgency?: Urgency;
  expires_at?: string;
}

export interface AlertReach {
  schemes: SchemeBrief[];
  recipients: number;
}

export interface ChannelFigures {
  channel: AlertChannel;
  total: number;
  queued: number;
  sent: number;
  failed: number;
  withdrawn: number;
  read: number;
}

export interface DeliverySummary {
  recipients: number;
  schemes: number;
  channels: ChannelFigures[];
}

export interface AlertReply {
  id: number;
  alert: number;
  author_name: string;
  body: string;
  created_at: string;
  read_at: string | null;
  /** The issuer's (or a liaison's) answer; empty until answered. */
  answer: string;
  answered_by_name: string;
  answered_at: string | null;
}

export interface AlertPreferences {
  /** Besides the in-app inbox, which is always on. */
  channels: Exclude<AlertChannel, 'in_app'>[];
  /** Empty for every category. */
  categories: AlertCategory[];
  min_severity: Severity;
  muted_schemes: number[];
  /** "HH:MM" (the server may add seconds), or null for no quiet hours. */
  quiet_from: string | null;
  quiet_until: string | null;
  daily_digest: boolean;
  /** The member's own saved settings (true), or the defaults that apply until they save some. */
  saved?: boolean;
}

/** An incident as one thread: the messages the viewer may see, newest first. */
export interface AlertThread {
  incident: number;
  status: AlertStatus;
  /** The viewer has something of it unread (a notice, or an answer to their reply). */
  unread: boolean;
  /** Replies to any of its messages nobody has read; null for those who do not manage it. */
  unread_replies: number | null;
  messages: AlertDetail[];
}

/** Where a postcode or place is (the server's geocoder). */
export interface GeocodedPlace {
  query: string;
  lat: number;
  lon: number;
}

// --- Liaison review ---------------------------------------------------------------------

export interface RiskAnswer {
  key: string;
  question: string;
  /** Null: not answered. */
  answer: boolean | null;
}

/** One step of a site's life: its proposal, then each decision on it. */
export interface SiteStatusChange {
  id: number;
  /** Null for the proposal (and where the step before was not recorded). */
  from_status: SiteStatus | null;
  to_status: SiteStatus;
  actor_name: string;
  reason: string;
  at: string;
}

export type AuditAction =
  | 'registration_search'
  | 'letters_csv'
  | 'letters_pdf'
  | 'offences_csv'
  | 'statistics_csv'
  | 'audit_csv';

/** Someone searched or exported vehicle registrations. */
export interface AuditRecord {
  id: number;
  actor: number | null;
  actor_name: string;
  action: AuditAction;
  action_display: string;
  force: string;
  /** Set when the search or export covered one scheme alone. */
  scheme: number | null;
  scheme_name: string | null;
  /** Every scheme whose registrations it could reach. */
  schemes: { id: number; name: string }[];
  /** The filters or search used: `registration` for a search by registration. */
  detail: Record<string, string>;
  rows: number;
  at: string;
}

// --- Accounts: password, email, deleting the account; the force for a place -------------

export interface EmailChangeRequested {
  detail: string;
  pending_email: string;
}

export interface EmailChanged {
  detail: string;
  email: string;
}

export interface HeldData {
  what: string;
  count: number;
  /** What deleting the account does to it. */
  outcome: string;
}

export interface DeletionBlocker {
  message: string;
  /** The app's page where it can be put right. */
  link: string;
  link_text: string;
}

export interface AccountDeletionPreview {
  held: HeldData[];
  blockers: DeletionBlocker[];
  can_delete: boolean;
}

export type ForceConfidence = 'confirmed' | 'likely' | 'uncertain' | 'unknown';

export interface ForceSuggestion {
  force: string | null;
  force_name: string;
  confidence: ForceConfidence;
  source: 'police.uk' | 'nearby places';
  message: string;
  alternatives: Force[];
}
