// Names for the API's data, as the OpenAPI schema gives it: frontend/openapi.yaml, which
// `make schema` writes from the backend and `npm run build` turns into ./schema.d.ts. Every
// shape here is the schema's own; a change on the server shows up as a type error where a
// screen no longer fits it.

import type { components } from './schema';

type Schemas = components['schemas'];

// --- Choices -----------------------------------------------------------------------------

export type SchemeKind = Schemas['SchemeKindEnum'];
export type SchemeStatus = Schemas['SchemeStatusEnum'];
/** The statuses a liaison may move a scheme to. */
export type SchemeDecision = Schemas['StatusChangeInputStatusEnum'];
export type MemberRole = Schemas['RoleEnum'];
export type MemberStatus = Schemas['MembershipStatusEnum'];
export type SiteStatus = Schemas['SiteStatusEnum'];
/** The statuses a liaison may move a site to. */
export type SiteDecision = Schemas['SiteDecisionStatusEnum'];
export type Direction = Schemas['DirectionEnum'];
export type VehicleType = Schemas['VehicleTypeEnum'];
export type SessionStatus = Schemas['SessionStatusEnum'];
export type LetterAction = Schemas['OffenceActionEnum'];
export type ActionStatus = Schemas['ActionStatusEnum'];
/** What a liaison marks letters as. */
export type LetterMark = Schemas['MarkInputStatusEnum'];
export type DisputeOutcome = Schemas['DisputeOutcomeEnum'];
/** How a liaison settles a dispute. */
export type DisputeDecision = Schemas['OutcomeEnum'];
export type AlertCategory = Schemas['AlertCategoryEnum'];
/** What an alert asks people to do (CAP responseType). */
export type ResponseType = Schemas['ResponseTypeEnum'];
/** CAP 1.2 severity, most severe first. */
export type Severity = Schemas['AlertSeverityEnum'];
/** CAP 1.2 urgency. */
export type Urgency = Schemas['UrgencyEnum'];
export type Audience = Schemas['AudienceEnum'];
export type AlertStatus = Schemas['AlertStatusEnum'];
export type AlertChannel = Schemas['ChannelEnum'];
export type ActivityType = Schemas['TypeEnum'];
export type AuditAction = Schemas['AuditActionEnum'];
export type ForceConfidence = Schemas['ConfidenceEnum'];
export type ForceCode = Schemas['ForceEnum'];

// --- Lists -------------------------------------------------------------------------------

/** A page of a list: every list in the API shares this envelope. */
export type Page<T> = Omit<Schemas['PaginatedForceList'], 'results'> & { results: T[] };

// --- Reference and accounts ----------------------------------------------------------------

/** The server's settings for the frontend (see src/session.tsx for the app's own copy). */
export type ServerConfig = Schemas['Config'];
export type Force = Schemas['Force'];
export type ForceSuggestion = Schemas['ForceSuggestion'];
export type GeocodedPlace = Schemas['GeocodeResult'];
export type Me = Schemas['Me'];
export type MeInput = Schemas['PatchedMeUpdateRequest'];
export type SignUpInput = Schemas['SignUpRequest'];
export type SignInInput = Schemas['SignInRequest'];
export type PasswordResetInput = Schemas['PasswordResetConfirmRequest'];
export type PasswordChangeInput = Schemas['PasswordChangeRequest'];
export type EmailChangeInput = Schemas['EmailChangeRequest'];
export type TwoFactorDisableInput = Schemas['TwoFactorDisableRequest'];
export type OtpRequired = Schemas['OtpRequired'];
export type TwoFactorStatus = Schemas['TwoFactorStatus'];
export type TwoFactorEnrolment = Schemas['TwoFactorEnrolment'];
export type EmailChangeRequested = Schemas['EmailChangeRequested'];
export type EmailChanged = Schemas['EmailChanged'];
export type AccountDeletionPreview = Schemas['AccountDeletionPreview'];
export type HeldData = Schemas['HeldData'];

// --- Schemes and members ---------------------------------------------------------------------

export type SchemeSummary = Schemas['SchemeSummary'];
export type Scheme = Schemas['SchemeDetail'];
export type SchemeInput = Schemas['SchemeInputRequest'];
export type SchemeRef = Schemas['SchemeRef'];
export type Membership = Schemas['Membership'];
/** A member of a scheme, or a request to join one. */
export type Member = Schemas['Member'];
export type MemberUser = Schemas['MemberUser'];
export type StatusChange = Schemas['StatusChange'];
export type ActivityEntry = Schemas['ActivityEvent'];

// --- Community Speedwatch ----------------------------------------------------------------------

export type Site = Schemas['Site'];
export type SiteInput = Schemas['SiteInputRequest'];
export type RiskAssessment = Schemas['RiskAssessmentRequest'];
export type RiskAnswer = Schemas['RiskAnswer'];
export type SiteStatusChange = Schemas['SiteStatusChange'];
export type Person = Schemas['Person'];
/** The short form of a site that a session carries. */
export type SessionSite = Schemas['SiteRef'];
export type Offence = Schemas['Offence'];
/** An offence as a volunteer sees it: the registration masked, nothing about letters. */
export type MaskedOffence = Schemas['MaskedOffence'];
/** An offence of a session, whole or masked as the viewer may see it. */
export type SessionOffence = Offence | MaskedOffence;
/** Whether the viewer was given the whole offence (its letter and dispute) rather than a masked one. */
export function isWholeOffence(offence: SessionOffence): offence is Offence {
  return 'action' in offence;
}
/** An offence in the letters queue or a search, with where it was recorded. */
export type QueueOffence = Schemas['QueueOffence'];
export type OffenceInput = Schemas['OffenceInputRequest'];
export type SessionInput = Schemas['SessionInputRequest'];
export type SessionChanges = Schemas['PatchedSessionDetailsRequest'];
export type AmendmentChanges = Schemas['AmendmentChangesRequest'];
export type Amendment = Schemas['Amendment'];
export type SpeedwatchStatistics = Schemas['Statistics'];
export type MonthFigures = Schemas['Month'];
export type AuditRecord = Schemas['AuditRecord'];

// --- Alerts ------------------------------------------------------------------------------------

export type Alert = Schemas['Alert'];
/** An alert as the alerts endpoints show it, with what the viewer may do about it. */
export type AlertDetail = Schemas['AlertDetail'];
/** What alerts ask of people when their authors say nothing else. */
export type AlertGuidance = Schemas['AlertGuidance'];
export type AlertInput = Schemas['AlertInputRequest'];
/** The area of an alert: a circle, or a GeoJSON polygon. */
export type AlertArea = Pick<AlertInput, 'lat' | 'lon' | 'radius_m' | 'boundary'>;
export type AlertChanges = Schemas['AlertChangeRequest'];
/** An alert's title, body and instruction in the other language (than its own, `language`). */
export type AlertTranslation = NonNullable<Alert['translation']>;
export type AlertTranslationInput = NonNullable<AlertInput['translation']>;
export type AlertReach = Schemas['Preview'];
export type DeliverySummary = Schemas['Summary'];
export type AlertReply = Schemas['Reply'];
export type AlertPreferencesInput = Schemas['PreferenceRequest'];
export type AlertThread = Schemas['Thread'];
/** One card of the signed-in user's in-app inbox: the latest notice of an incident. */
export type Notice = Schemas['Notice'];
export type PushSubscriptionInput = Schemas['PushSubscriptionRequest'];
/** A force's ready-made alert, and what a liaison writes to keep one. */
export type AlertTemplate = Schemas['AlertTemplate'];
export type AlertTemplateInput = Schemas['AlertTemplateInputRequest'];
/** A placeholder a template may hold, and what goes in its place. */
export type AlertPlaceholder = Schemas['Placeholder'];
/** Which of a force's alerts need a second liaison's approval. */
export type AlertApprovalPolicy = Schemas['AlertApprovalPolicy'];
export type AlertApprovalPolicyInput = Schemas['AlertApprovalPolicyRequest'];

// --- Sessions, letters, alerts ------------------------------------------------------------

/** A session as a list shows it. */
export type SpeedwatchSession = Schemas['Session'];
/** A session with its offences, as the session endpoints answer. */
export type SessionWithOffences = Schemas['SessionDetail'];
/** What marking letters answers. */
export type LettersMarked = Schemas['LettersMarked'];
export type KeeperAddressesStored = Schemas['KeeperAddressesStored'];
/** The stages of letter a liaison may post on their own. */
export type LetterStage = Schemas['LettersPostInputActionEnum'];
export type LetterPostage = Schemas['PostageEnum'];
/** What posting the waiting letters now would post. */
export type LettersReady = Schemas['LettersReady'];
/** What posting the waiting letters through GOV.UK Notify did. */
export type LettersPosted = Schemas['LettersPosted'];
/** A letter posted through GOV.UK Notify, with how it is getting on. */
export type PostedLetter = Schemas['PostedLetter'];
export type PostedLetterStatus = Schemas['PostedLetterStatusEnum'];

/**
 * A member's alert settings. The server sends every field; the schema marks some optional,
 * as they are to send.
 */
export type AlertPreferences = Required<Schemas['Preference']>;

/** An alert's scheme kinds (none, in a copy saved offline before alerts carried them). */
export function schemeKindsOf(alert: Pick<Alert, 'scheme_kinds'>): SchemeKind[] {
  return Array.isArray(alert.scheme_kinds) ? alert.scheme_kinds : [];
}

/** A liaison's force, for the filters that take a force: the schema gives it as text. */
export function liaisonForce(me: Pick<Me, 'liaison'>): ForceCode | undefined {
  return (me.liaison?.force || undefined) as ForceCode | undefined;
}

// --- Vehicle checks with the DVLA --------------------------------------------------------------

/** What the DVLA's register says of a plate, as it is logged. */
export type VehicleLookup = Schemas['VehicleLookup'];
/** An offence the letters batch holds back for its vehicle, with what the register says. */
export type HeldOffence = Schemas['HeldOffence'];
export type VehicleDecision = Schemas['VehicleDecisionInputRequest'];
/** Where an offence's vehicle check stands. */
export type VehicleCheck = QueueOffence['vehicle_check'];

// --- Policing neighbourhoods -----------------------------------------------------------------

/** A policing neighbourhood of a force's current set, with how many active schemes lie in it. */
export type Neighbourhood = Schemas['Neighbourhood'];
/** The name of a neighbourhood a scheme lies in, or an alert was sent to. */
export type NeighbourhoodRef = Schemas['NeighbourhoodRef'];
/** What an import did to a force's set. */
export type NeighbourhoodsImported = Schemas['NeighbourhoodsImported'];
