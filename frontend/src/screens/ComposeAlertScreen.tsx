// "/alerts/new" — a liaison or coordinator drafts an alert: its area drawn on the map, what
// it says, how severe and urgent it is, and who should hear of it. The reach is shown as it
// is filled in; then it is saved as a draft or published at once.
// Deep links: ?lat=&lon=&zoom= open the map there; ?scheme= issues as that scheme.
// A coordinator's area starts as their scheme's own (which the server always accepts), until
// they draw another. A field's error goes as soon as the field is put right.
// "/alerts/:id/edit" — the same form, filled in from the author's own draft.
// What people should do, and whom to call, start as the usual for the category (the server's
// defaults), and follow the category until the author rewrites them; the area is named after
// the place found on the map until the author names it.

import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import {
  adviceOf,
  RESPONSE_TYPE_LABELS,
  useAlertGuidance,
  type AlertAdvice,
  type AlertGuidance,
  type ResponseType,
} from '../alertGuidance';
import { api, ApiError } from '../api';
import { AreaDrawer, areaInput, EMPTY_AREA, type DrawnArea, type MapView } from '../components/AreaDrawer';
import { NeighbourhoodChoice } from '../components/NeighbourhoodChoice';
import { BackLink } from '../components/BackLink';
import { ConfirmAction } from '../components/ConfirmAction';
import {
  CheckboxField,
  ErrorAlert,
  RadioGroupField,
  SelectField,
  TextAreaField,
  TextField,
} from '../components/FormField';
import { Loading } from '../components/Loading';
import { ReachPreview, reachSentence, useAlertReach } from '../components/ReachPreview';
import { PlaceholderWarning } from '../components/PlaceholderWarning';
import { TemplatePicker } from '../components/TemplatePicker';
import { RequireSignIn } from '../components/RequireSignIn';
import {
  AUDIENCE_LABELS,
  CATEGORY_LABELS,
  fromLocalInput,
  KIND_LABELS,
  SEVERITIES,
  SEVERITY_HINTS,
  SEVERITY_LABELS,
  toLocalInput,
  URGENCIES,
  URGENCY_HINTS,
  URGENCY_LABELS,
} from '../format';
import { asApiError, clearFieldErrors, useSubmission, useTitle } from '../hooks';
import { useLocation } from '../router';
import { useSession } from '../session';
import {
  TRANSLATION_ERROR_FIELDS,
  TranslationFields,
  translationInput,
  translationProblems,
  translationState,
  WrittenInField,
  type TranslationState,
} from '../components/AlertTranslationFields';
import { language as appLanguage, languageTag, t, type Language } from '../i18n';
import { otherLanguage as otherLanguageOf, ownLanguage } from '../alertText';
import {
  liaisonForce,
  schemeKindsOf,
  type Alert,
  type AlertCategory,
  type AlertDetail,
  type AlertInput,
  type AlertTemplate,
  type Audience,
  type ForceCode,
  type Me,
  type SchemeKind,
  type SchemeSummary,
  type Severity,
  type Urgency,
} from '../api/schemas';
import type { Config } from '../session';

const LIAISON = 'liaison';

const CATEGORY_CHOICES = () => (Object.keys(CATEGORY_LABELS) as AlertCategory[]).map((category) => ({
  value: category,
  label: CATEGORY_LABELS[category],
}));
const SEVERITY_CHOICES = () => SEVERITIES.map((severity) => ({
  value: severity,
  label: `${SEVERITY_LABELS[severity]}: ${SEVERITY_HINTS[severity]}`,
}));
const URGENCY_CHOICES = () =>
  URGENCIES.map((urgency) => ({ value: urgency, label: `${URGENCY_LABELS[urgency]}: ${URGENCY_HINTS[urgency]}` }));
const AUDIENCE_CHOICES = () =>
  (['members', 'coordinators'] as Audience[]).map((audience) => ({
    value: audience,
    label: AUDIENCE_LABELS[audience],
  }));
const KINDS = () => Object.keys(KIND_LABELS) as SchemeKind[];
const RESPONSE_TYPE_CHOICES = () =>
  (Object.keys(RESPONSE_TYPE_LABELS) as ResponseType[])
    .filter((responseType) => responseType !== 'AllClear')
    .map((responseType) => ({ value: responseType, label: RESPONSE_TYPE_LABELS[responseType] }));

// The forces of Wales, whose senders are offered the Welsh (or English) words at once: the
// Welsh Language Standards ask them for both.
const WELSH_FORCES: readonly ForceCode[] = ['dyfed-powys', 'gwent', 'north-wales', 'south-wales'];

function inWales(force: string | null | undefined): boolean {
  return WELSH_FORCES.includes(force as ForceCode);
}

/** What the form sends: the fields types.ts knows, and the advice. */
type ComposedAlert = AlertInput & Partial<AlertAdvice>;

const AREA_FIELDS = ['lat', 'lon', 'radius_m', 'boundary'];
const SHOWN_FIELDS = [
  ...AREA_FIELDS,
  'neighbourhoods',
  'scheme',
  'title',
  'body',
  'category',
  'severity',
  'urgency',
  'audience',
  'scheme_kinds',
  'expires_at',
  'area_name',
  'instruction',
  'response_type',
  'contact',
  ...TRANSLATION_ERROR_FIELDS,
] as const;

export function ComposeAlertScreen({ draftId }: { draftId?: string }) {
  const title = draftId ? t('composeAlert.titleEdit') : t('composeAlert.titleNew');
  useTitle(title);
  return (
    <>
      <BackLink href={draftId ? `/alerts/${draftId}` : '/alerts'} label={draftId ? t('composeAlert.backDraft') : t('inbox.title')} />
      <h1 tabIndex={-1}>{title}</h1>
      <RequireSignIn>{(me) => <Composer me={me} draftId={draftId} />}</RequireSignIn>
    </>
  );
}

/** The draft being edited: loading, loaded, or why it cannot be edited. */
function useDraft(draftId: string | undefined): AlertDetail | null | ApiError {
  const [draft, setDraft] = useState<AlertDetail | null | ApiError>(null);
  useEffect(() => {
    if (!draftId) return;
    const abort = new AbortController();
    api.alert(Number(draftId), abort.signal).then(
      (loaded) => !abort.signal.aborted && setDraft(loaded),
      (error) => !abort.signal.aborted && setDraft(asApiError(error)),
    );
    return () => abort.abort();
  }, [draftId]);
  return draft;
}

/**
 * The radii the server takes for an alert's circle, from its configuration; a stand-in
 * configuration (the server unreachable) falls back to the defaults, and the server still
 * judges what is sent.
 */
function alertRadiusLimits(config: Config): { min: number; max: number } {
  return { min: config.alert_radius_min_m ?? 50, max: config.alert_radius_max_m ?? 20000 };
}

/**
 * A coordinator's alert must stay inside their scheme: it starts as the scheme's own area, the
 * widest it may be (a circle's radius kept within what the server takes for an alert).
 */
function schemeArea(scheme: SchemeSummary, limits: { min: number; max: number }): DrawnArea {
  if (scheme.boundary) {
    const points = scheme.boundary.coordinates[0].slice(0, -1).map(([lon, lat]) => ({ lat, lon }));
    return { ...EMPTY_AREA, shape: 'polygon', points, closed: true };
  }
  if (scheme.lat === null || scheme.lon === null || !scheme.radius_m) return EMPTY_AREA;
  const radius = Math.min(limits.max, Math.max(limits.min, scheme.radius_m));
  return { ...EMPTY_AREA, centre: { lat: scheme.lat, lon: scheme.lon }, radius };
}

/** The area drawn as the draft has it. */
function drawnArea(alert: Alert): DrawnArea {
  if (alert.boundary) {
    const ring = alert.boundary.coordinates[0];
    const points = ring.slice(0, -1).map(([lon, lat]) => ({ lat, lon }));
    return { ...EMPTY_AREA, shape: 'polygon', points, closed: true };
  }
  return { ...EMPTY_AREA, centre: { lat: alert.lat, lon: alert.lon }, radius: alert.radius_m ?? EMPTY_AREA.radius };
}

interface Issuers {
  /** Active schemes the user coordinates: a coordinator issues as one of them. */
  coordinated: SchemeSummary[];
  /** A liaison's force's active schemes, drawn on the map for reference. */
  forceSchemes: SchemeSummary[];
}

function useIssuers(me: Me): Issuers | null | ApiError {
  const [issuers, setIssuers] = useState<Issuers | null | ApiError>(null);
  useEffect(() => {
    let live = true;
    (async () => {
      // The schemes the server says this person issues alerts for, with their areas.
      const coordinated: SchemeSummary[] = (await Promise.all(me.actions.issue_alerts_for.map((id) => api.scheme(id)))).sort(
        (a, b) => a.name.localeCompare(b.name),
      );
      const forceSchemes = me.actions.issue_force_alerts
        ? (await api.schemes({ force: liaisonForce(me), status: 'active', page_size: 100 })).results
        : [];
      return { coordinated, forceSchemes };
    })().then(
      (loaded) => live && setIssuers(loaded),
      (error) => live && setIssuers(asApiError(error)),
    );
    return () => {
      live = false;
    };
  }, [me.id]);
  return issuers;
}

function Composer({ me, draftId }: { me: Me; draftId?: string }) {
  const { config } = useSession();
  const issuers = useIssuers(me);
  const draft = useDraft(draftId);
  if (issuers instanceof ApiError) return <ErrorAlert messages={[issuers.message]} />;
  if (draft instanceof ApiError) {
    return (
      <ErrorAlert
        messages={[draft.status === 404 ? t('composeAlert.noSuchDraft') : draft.message]}
      />
    );
  }
  if (!issuers || !config || (draftId && !draft)) return <Loading />;
  if (draft && !draft.actions.edit) {
    return (
      <p>
        {draft.status === 'draft' ? t('composeAlert.onlyAuthor') : t('composeAlert.alreadyPublished')}
        {draft.status !== 'draft' && <a href={`/alerts/${draft.id}`}>{t('composeAlert.updateInstead')}</a>}
      </p>
    );
  }
  if (!me.actions.issue_alerts) {
    return (
      <p>{t('composeAlert.notAnIssuer')}</p>
    );
  }
  return <AlertForm me={me} config={config} issuers={issuers} draft={draft} />;
}

function viewFromQuery(query: URLSearchParams): MapView | null {
  const lat = Number(query.get('lat'));
  const lon = Number(query.get('lon'));
  const zoom = Number(query.get('zoom') ?? 13);
  if (!query.get('lat') || !query.get('lon') || !Number.isFinite(lat) || !Number.isFinite(lon)) return null;
  if (Math.abs(lat) > 90 || Math.abs(lon) > 180) return null;
  return { lat, lon, zoom: Number.isFinite(zoom) ? Math.min(18, Math.max(5, Math.round(zoom))) : 13 };
}

function AlertForm({
  me,
  config,
  issuers,
  draft,
}: {
  me: Me;
  config: Config;
  issuers: Issuers;
  /** The author's draft, when editing one. */
  draft: AlertDetail | null;
}) {
  const { goWithMessage } = useSession();
  const { query } = useLocation();
  const submission = useSubmission();
  const startAt = useMemo(() => viewFromQuery(query), []);

  const issuerChoices = [
    ...(me.actions.issue_force_alerts ? [{ value: LIAISON, label: t('composeAlert.asLiaison', { force: me.liaison?.force_name ?? '' }) }] : []),
    ...issuers.coordinated.map((scheme) => ({ value: String(scheme.id), label: scheme.name })),
  ];
  const askedScheme = draft ? (draft.scheme ? String(draft.scheme.id) : LIAISON) : query.get('scheme');
  const [issuer, setIssuer] = useState(
    issuerChoices.find((choice) => choice.value === askedScheme)?.value ?? issuerChoices[0].value,
  );
  const schemeOf = (choice: string) =>
    choice === LIAISON ? null : (issuers.coordinated.find((item) => String(item.id) === choice) ?? null);
  const scheme = schemeOf(issuer);
  const startArea = (of: SchemeSummary | null) => (of ? schemeArea(of, alertRadiusLimits(config)) : EMPTY_AREA);

  const [area, setAreaValue] = useState<DrawnArea>(() => (draft ? drawnArea(draft) : startArea(scheme)));
  // Whether the author has drawn an area of their own: until then it follows the issuer.
  const [areaDrawn, setAreaDrawn] = useState(!!draft);
  // A liaison may send to policing neighbourhoods of their force instead of the drawn area.
  const [neighbourhoods, setNeighbourhoods] = useState<number[]>(() => draft?.neighbourhoods.map((n) => n.id) ?? []);
  const [title, setTitle] = useState(draft?.title ?? '');
  const [body, setBody] = useState(draft?.body ?? '');
  // The language the title, message and instructions are written in: the sender’s own, unless
  // a draft says another.
  const [written, setWritten] = useState<Language>(
    draft ? ownLanguage(draft) : (me.language ?? appLanguage()) === 'cy' ? 'cy' : 'en',
  );
  // The same words in the other language: offered open to senders in Wales.
  const [translation, setTranslation] = useState<TranslationState>(() =>
    translationState(
      draft?.translation,
      draft ? !!draft.translation : inWales(scheme ? scheme.force : me.liaison?.force),
    ),
  );
  const [category, setCategory] = useState<string>(draft?.category ?? '');
  const [severity, setSeverity] = useState<string>(draft?.severity ?? '');
  const [urgency, setUrgency] = useState<string>(draft?.urgency ?? '');
  const [audience, setAudience] = useState<Audience>(draft?.audience ?? 'members');
  const [kinds, setKinds] = useState<SchemeKind[]>(draft ? schemeKindsOf(draft) : []);
  const [expires, setExpires] = useState(draft ? toLocalInput(new Date(draft.expires_at)) : '');
  const [isPublic, setPublic] = useState(draft?.public ?? false);
  const advice = draft ? adviceOf(draft) : {};
  // The usual advice in the alert's language, and in its other for the words in that.
  const guidance = useAlertGuidance(written);
  const otherGuidance = useAlertGuidance(otherLanguageOf(written));
  const lastGuidance = useRef<AlertGuidance | null>(null);
  const lastOtherGuidance = useRef<AlertGuidance | null>(null);
  const [areaName, setAreaName] = useState(advice.area_name ?? '');
  // Named by its author (typed, or a draft's): a place found later does not rename it.
  const [areaNamed, setAreaNamed] = useState(!!advice.area_name);
  const [instruction, setInstruction] = useState(advice.instruction ?? '');
  const [responseType, setResponseType] = useState<string>(advice.response_type ?? '');
  const [contact, setContact] = useState(advice.contact ?? '');

  // A new alert starts with the usual contact, and (once its category is chosen before the
  // defaults arrived) the category's usual advice. Written in the other language instead,
  // what is still the usual becomes the usual in that language.
  useEffect(() => {
    if (!guidance) return;
    const before = lastGuidance.current;
    lastGuidance.current = guidance;
    if (!contact || contact === before?.contact) setContact(guidance.contact);
    const usual = guidance.categories[category as AlertCategory];
    const usualBefore = before?.categories[category as AlertCategory];
    if (usual && (!instruction || instruction === usualBefore?.instruction)) setInstruction(usual.instruction);
    if (usual && !responseType) setResponseType(usual.response_type);
  }, [guidance]);

  // The instructions in the other language follow the same way.
  useEffect(() => {
    if (!otherGuidance) return;
    const before = lastOtherGuidance.current;
    lastOtherGuidance.current = otherGuidance;
    const usual = otherGuidance.categories[category as AlertCategory];
    const usualBefore = before?.categories[category as AlertCategory];
    setTranslation((old) =>
      usual && (!old.instruction || old.instruction === usualBefore?.instruction)
        ? { ...old, instruction: usual.instruction }
        : old,
    );
  }, [otherGuidance]);

  const chooseCategory = (value: string) => {
    // The advice follows the category while it is the category's usual (or empty).
    const before = guidance?.categories[category as AlertCategory];
    const after = guidance?.categories[value as AlertCategory];
    if (after && (!instruction.trim() || instruction === before?.instruction)) setInstruction(after.instruction);
    if (after && (!responseType || responseType === before?.response_type)) setResponseType(after.response_type);
    const otherBefore = otherGuidance?.categories[category as AlertCategory];
    const otherAfter = otherGuidance?.categories[value as AlertCategory];
    if (otherAfter) {
      setTranslation((old) =>
        !old.instruction.trim() || old.instruction === otherBefore?.instruction
          ? { ...old, instruction: otherAfter.instruction }
          : old,
      );
    }
    setCategory(value);
    if (value) clear('category');
  };

  // A template fills in the words, category and severity; what it leaves out (the advice)
  // follows the category as ever. Its placeholders are then filled in by hand.
  const applyTemplate = (template: AlertTemplate) => {
    chooseCategory(template.category);
    setTitle(template.title);
    setBody(template.body);
    setWritten(template.language === 'cy' ? 'cy' : 'en');
    if (template.instruction) setInstruction(template.instruction);
    setSeverity(template.severity);
    setTranslation(translationState(template.translation, !!template.translation));
    clear('title', 'body', 'severity', 'instruction', 'language', 'translation');
  };

  // Each field's error goes as soon as the field is put right.
  const clear = (...fields: string[]) => clearFieldErrors(submission, ...fields);
  const setArea = (next: DrawnArea) => {
    setAreaValue(next);
    setAreaDrawn(true);
    if (areaInput(next)) clear(...AREA_FIELDS);
  };
  const chooseIssuer = (choice: string) => {
    setIssuer(choice);
    clear('scheme');
    if (!areaDrawn) setAreaValue(startArea(schemeOf(choice)));
  };

  const shape = !scheme && neighbourhoods.length ? { neighbourhoods } : areaInput(area);
  const details = {
    title: title.trim(),
    body: body.trim(),
    category: category as AlertCategory,
    severity: severity as Severity,
    urgency: urgency as Urgency,
    audience,
    scheme_kinds: kinds,
    public: isPublic,
    area_name: areaName.trim(),
    // Left empty, the server gives the category's usual.
    instruction: instruction.trim(),
    contact: contact.trim(),
    ...(responseType ? { response_type: responseType as ResponseType } : {}),
    ...(scheme ? { scheme: scheme.id } : {}),
    language: written,
    translation: translationInput(translation),
  };
  // The reach depends on the area, the issuer, the audience and kinds, and (for volunteers'
  // choices) the category and severity; the wording is not needed yet.
  const previewInput: ComposedAlert | null = shape
    ? {
        ...details,
        ...shape,
        title: 'Preview',
        body: 'Preview',
        translation: null,
        category: (category || 'general') as AlertCategory,
        severity: (severity || 'Unknown') as Severity,
        urgency: (urgency || 'Unknown') as Urgency,
      }
    : null;
  const reach = useAlertReach(previewInput);

  const build = (): ComposedAlert => {
    const problems: Record<string, string[]> = {};
    if (!shape) {
      problems[area.shape === 'circle' ? 'lat' : 'boundary'] = [
        area.shape === 'circle' ? t('composeAlert.problem.centre') : t('composeAlert.problem.shape'),
      ];
    }
    if (!details.title) problems.title = [t('composeAlert.problem.title')];
    if (!details.body) problems.body = [t('composeAlert.problem.body')];
    Object.assign(problems, translationProblems(translation, otherLanguageOf(written)));
    if (!category) problems.category = [t('composeAlert.problem.category')];
    if (!severity) problems.severity = [t('composeAlert.problem.severity')];
    if (!urgency) problems.urgency = [t('composeAlert.problem.urgency')];
    let expiresAt: string | undefined;
    if (expires) {
      const moment = fromLocalInput(expires);
      if (!moment) problems.expires_at = [t('composeAlert.problem.expiresFormat')];
      else if (moment.getTime() <= Date.now()) problems.expires_at = [t('composeAlert.problem.expiresPast')];
      else expiresAt = moment.toISOString();
    }
    if (Object.keys(problems).length) {
      if (!shape) {
        // The area comes first but has no control to mark invalid: once the form has moved
        // focus to the first invalid field, move it on to the map, where the problem is.
        requestAnimationFrame(() => requestAnimationFrame(() => document.querySelector<HTMLElement>('.map--draw')?.focus()));
      }
      throw new ApiError(400, problems, []);
    }
    return { ...details, ...shape!, ...(expiresAt ? { expires_at: expiresAt } : {}) };
  };

  const save = (input: ComposedAlert) => (draft ? api.editDraft(draft.id, input) : api.draftAlert(input));

  const saveDraft = () =>
    submission.run(async () => {
      const saved = await save(build());
      goWithMessage(`/alerts/${saved.id}`, t('composeAlert.draftSaved'));
    });

  const publish = () =>
    submission.run(async () => {
      const saved = await save(build());
      let answer: AlertDetail;
      try {
        answer = await api.publishAlert(saved.id);
      } catch (error) {
        goWithMessage(`/alerts/${saved.id}`, t('composeAlert.savedNotPublished', { problem: asApiError(error).message }));
        return;
      }
      // Held for a second liaison's approval when the force asks for one.
      goWithMessage(
        `/alerts/${saved.id}`,
        answer.approval === 'awaiting' ? t('approval.status.submitted') : t('alertSending.published'),
      );
    });

  const errorsFor = submission.fieldErrors;
  const areaErrors = AREA_FIELDS.flatMap((field) => errorsFor(field) ?? []);
  // The same array while the issuer stays the same: a new one moves the map back to it.
  const referenceSchemes = useMemo(() => (scheme ? [scheme] : issuers.forceSchemes), [scheme, issuers]);
  return (
    <form
      noValidate
      onSubmit={(event) => {
        // Enter in a field keeps the work as a draft; publishing always asks first.
        event.preventDefault();
        saveDraft();
      }}
    >
      <p>{t('composeAlert.intro')}</p>
      <ErrorAlert messages={submission.otherErrors(SHOWN_FIELDS)} />
      {issuerChoices.length > 1 ? (
        <SelectField
          label={t('composeAlert.sendFor')}
          hint={t('composeAlert.sendForHint')}
          value={issuer}
          onValue={chooseIssuer}
          choices={issuerChoices}
          errors={errorsFor('scheme')}
        />
      ) : (
        <p>
          {t('composeAlert.sentFor')} <strong>{issuerChoices[0].label}</strong>.
          {scheme && ` ${t('composeAlert.insideScheme')}`}
        </p>
      )}
      <TemplatePicker onApply={applyTemplate} />
      {!scheme && me.liaison && (
        <NeighbourhoodChoice
          force={me.liaison.force as ForceCode}
          chosen={neighbourhoods}
          onChange={(ids) => {
            setNeighbourhoods(ids);
            clear(...AREA_FIELDS, 'neighbourhoods');
          }}
          errors={errorsFor('neighbourhoods')}
        />
      )}
      {/* Sent to neighbourhoods, the alert has no drawn area: the map comes back, with the
          area drawn before, once they are all unticked. */}
      {neighbourhoods.length === 0 && (
        <AreaDrawer
          config={config}
          area={area}
          onChange={setArea}
          errors={areaErrors.length ? areaErrors : undefined}
          startAt={startAt}
          onPlaceFound={(place) => {
            if (!areaNamed) setAreaName(place.query);
          }}
          schemes={referenceSchemes}
          fitSchemes={scheme !== null}
          maxRadius={scheme?.radius_m ? Math.min(alertRadiusLimits(config).max, scheme.radius_m) : undefined}
          schemesHint={
            scheme
              ? t('composeAlert.schemesHintOwn')
              : t('composeAlert.schemesHintForce')
          }
        />
      )}
      <TextField
        label={t('composeAlert.areaName')}
        hint={t('composeAlert.areaNameHint')}
        maxLength={200}
        value={areaName}
        onValue={(value) => {
          setAreaName(value);
          setAreaNamed(!!value.trim());
          clear('area_name');
        }}
        errors={errorsFor('area_name')}
      />
      <ReachPreview
        state={reach}
        waiting={t('composeAlert.reachWaiting')}
        note={category && severity ? undefined : t('composeAlert.reachNote')}
      />
      <WrittenInField
        value={written}
        onValue={(lang) => {
          setWritten(lang);
          clear('language', 'translation');
        }}
        errors={errorsFor('language')}
      />
      <TextField
        label={t('composeAlert.title')}
        hint={t('composeAlert.titleHint')}
        lang={languageTag(written)}
        required
        maxLength={120}
        value={title}
        onValue={(value) => {
          setTitle(value);
          if (value.trim()) clear('title');
        }}
        errors={errorsFor('title')}
      />
      <TextAreaField
        label={t('composeAlert.message')}
        hint={t('composeAlert.messageHint')}
        lang={languageTag(written)}
        required
        rows={5}
        maxLength={4000}
        value={body}
        onValue={(value) => {
          setBody(value);
          if (value.trim()) clear('body');
        }}
        errors={errorsFor('body')}
      />
      <SelectField
        label={t('alert.category')}
        value={category}
        onValue={chooseCategory}
        placeholder={t('composeAlert.chooseCategory')}
        choices={CATEGORY_CHOICES()}
        errors={errorsFor('category')}
      />
      <fieldset>
        <legend>{t('composeAlert.whatToDo')}</legend>
        <p class="field-hint">{t('composeAlert.whatToDoHint')}</p>
        <TextAreaField
          label={t('composeAlert.instructions')}
          hint={t('composeAlert.instructionsHint')}
          lang={languageTag(written)}
          rows={5}
          maxLength={1000}
          value={instruction}
          onValue={(value) => {
            setInstruction(value);
            clear('instruction');
          }}
          errors={errorsFor('instruction')}
        />
        <SelectField
          label={t('alert.responseAskedFor')}
          hint={t('composeAlert.responseTypeHint')}
          value={responseType}
          onValue={(value) => {
            setResponseType(value);
            clear('response_type');
          }}
          placeholder={t('composeAlert.responseTypeUsual')}
          choices={RESPONSE_TYPE_CHOICES()}
          errors={errorsFor('response_type')}
        />
        <TextField
          label={t('composeAlert.contact')}
          hint={t('composeAlert.contactHint')}
          maxLength={200}
          value={contact}
          onValue={(value) => {
            setContact(value);
            clear('contact');
          }}
          errors={errorsFor('contact')}
        />
      </fieldset>
      <TranslationFields
        written={written}
        state={translation}
        onState={(next, edited) => {
          setTranslation(next);
          if (edited === 'included') clear(...TRANSLATION_ERROR_FIELDS);
          else if (next[edited].trim() || edited === 'instruction') clear(`translation.${edited}`);
        }}
        errorsFor={errorsFor}
      />
      <RadioGroupField
        legend={t('alert.severity')}
        value={severity}
        onValue={(value) => {
          setSeverity(value);
          clear('severity');
        }}
        choices={SEVERITY_CHOICES()}
        errors={errorsFor('severity')}
      />
      <RadioGroupField
        legend={t('alert.urgency')}
        hint={t('composeAlert.urgencyHint')}
        value={urgency}
        onValue={(value) => {
          setUrgency(value);
          clear('urgency');
        }}
        choices={URGENCY_CHOICES()}
        errors={errorsFor('urgency')}
      />
      <RadioGroupField
        legend={t('composeAlert.audience')}
        value={audience}
        onValue={(value) => {
          setAudience(value as Audience);
          clear('audience');
        }}
        choices={AUDIENCE_CHOICES()}
        errors={errorsFor('audience')}
      />
      <fieldset class={errorsFor('scheme_kinds')?.length ? 'field--invalid' : undefined}>
        <legend>{t('composeAlert.kinds')}</legend>
        <p class="field-hint">{t('composeAlert.kindsHint')}</p>
        {KINDS().map((kind) => (
          <CheckboxField
            key={kind}
            label={KIND_LABELS[kind]}
            checked={kinds.includes(kind)}
            onChecked={(checked) =>
              setKinds((old) => (checked ? [...old, kind] : old.filter((item) => item !== kind)))
            }
          />
        ))}
      </fieldset>
      <div class={`field${errorsFor('expires_at')?.length ? ' field--invalid' : ''}`}>
        <label for="alert-expires">{t('composeAlert.expires')}</label>
        <p class="field-hint" id="alert-expires-hint">
          {t('composeAlert.expiresHint')}
        </p>
        {errorsFor('expires_at') && (
          <p class="field-error" id="alert-expires-error">
            <span class="visually-hidden">{t('form.errorPrefix')}</span>
            {errorsFor('expires_at')!.join(' ')}
          </p>
        )}
        <input
          id="alert-expires"
          type="datetime-local"
          value={expires}
          onInput={(event) => {
            const value = event.currentTarget.value;
            setExpires(value);
            const moment = value ? fromLocalInput(value) : null;
            if (!value || (moment && moment.getTime() > Date.now())) clear('expires_at');
          }}
          aria-invalid={errorsFor('expires_at') ? 'true' : undefined}
          aria-describedby={`alert-expires-hint${errorsFor('expires_at') ? ' alert-expires-error' : ''}`}
        />
      </div>
      <CheckboxField
        label={t('alert.public')}
        hint={t('composeAlert.publicHint')}
        checked={isPublic}
        onChecked={setPublic}
      />
      <PlaceholderWarning
        texts={[title, body, instruction, ...(translation.included ? [translation.title, translation.body, translation.instruction] : [])]}
      />
      <div class="button-row compose__actions">
        <ConfirmAction
          label={t('alertSending.publish')}
          primary
          question={
            reach.reach
              ? t('alertSending.publishQuestion', { reach: reachSentence(reach.reach) })
              : t('composeAlert.publishQuestionNoReach')
          }
          confirmLabel={t('alertSending.publishNow')}
          onAsk={async () => {
            let complete = false;
            await submission.run(async () => {
              build();
              complete = true;
            });
            return complete;
          }}
          onConfirm={publish}
        />
        <button
          type="submit"
          class="button button--secondary"
          aria-disabled={submission.busy ? 'true' : undefined}
        >
          {t('composeAlert.saveDraft')}
        </button>
      </div>
    </form>
  );
}
