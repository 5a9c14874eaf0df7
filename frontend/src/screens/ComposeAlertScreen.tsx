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

import { useEffect, useMemo, useState } from 'preact/hooks';
import {
  adviceOf,
  RESPONSE_TYPE_LABELS,
  useAlertGuidance,
  type AlertAdvice,
  type ResponseType,
} from '../alertGuidance';
import { api, ApiError } from '../api';
import { AreaDrawer, areaInput, EMPTY_AREA, type DrawnArea, type MapView } from '../components/AreaDrawer';
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
import { RequireSignIn } from '../components/RequireSignIn';
import {
  AUDIENCE_LABELS,
  CATEGORY_LABELS,
  fromLocalInput,
  KIND_LABELS,
  SEVERITIES,
  SEVERITY_HINTS,
  toLocalInput,
  URGENCIES,
  URGENCY_HINTS,
} from '../format';
import { asApiError, clearFieldErrors, useSubmission, useTitle } from '../hooks';
import { useLocation } from '../router';
import { useSession } from '../session';
import {
  liaisonForce,
  schemeKindsOf,
  type Alert,
  type AlertCategory,
  type AlertDetail,
  type AlertInput,
  type Audience,
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
  label: `${severity}: ${SEVERITY_HINTS[severity]}`,
}));
const URGENCY_CHOICES = () => URGENCIES.map((urgency) => ({ value: urgency, label: `${urgency}: ${URGENCY_HINTS[urgency]}` }));
const AUDIENCE_CHOICES = (['members', 'coordinators'] as Audience[]).map((audience) => ({
  value: audience,
  label: AUDIENCE_LABELS[audience],
}));
const KINDS = () => Object.keys(KIND_LABELS) as SchemeKind[];
const RESPONSE_TYPE_CHOICES = (Object.keys(RESPONSE_TYPE_LABELS) as ResponseType[])
  .filter((responseType) => responseType !== 'AllClear')
  .map((responseType) => ({ value: responseType, label: RESPONSE_TYPE_LABELS[responseType] }));

/** What the form sends: the fields types.ts knows, and the advice. */
type ComposedAlert = AlertInput & Partial<AlertAdvice>;

const AREA_FIELDS = ['lat', 'lon', 'radius_m', 'boundary'];
const SHOWN_FIELDS = [
  ...AREA_FIELDS,
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
] as const;

export function ComposeAlertScreen({ draftId }: { draftId?: string }) {
  const title = draftId ? 'Edit draft' : 'New alert';
  useTitle(title);
  return (
    <>
      <BackLink href={draftId ? `/alerts/${draftId}` : '/alerts'} label={draftId ? 'The draft' : 'Alerts'} />
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
        messages={[draft.status === 404 ? 'There is no such draft, or it is not yours to see.' : draft.message]}
      />
    );
  }
  if (!issuers || !config || (draftId && !draft)) return <Loading />;
  if (draft && !draft.actions.edit) {
    return (
      <p>
        {draft.status === 'draft'
          ? 'Only the author of a draft can edit it.'
          : 'This alert has been published, so it can no longer be edited. '}
        {draft.status !== 'draft' && <a href={`/alerts/${draft.id}`}>Publish an update from its page instead.</a>}
      </p>
    );
  }
  if (!me.actions.issue_alerts) {
    return (
      <p>
        Alerts are sent by police liaisons and by the coordinators of active schemes. If you have seen something, tell your
        scheme's coordinator; in an emergency call 999.
      </p>
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
    ...(me.actions.issue_force_alerts ? [{ value: LIAISON, label: `Police liaison, ${me.liaison?.force_name}` }] : []),
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
  const [title, setTitle] = useState(draft?.title ?? '');
  const [body, setBody] = useState(draft?.body ?? '');
  const [category, setCategory] = useState<string>(draft?.category ?? '');
  const [severity, setSeverity] = useState<string>(draft?.severity ?? '');
  const [urgency, setUrgency] = useState<string>(draft?.urgency ?? '');
  const [audience, setAudience] = useState<Audience>(draft?.audience ?? 'members');
  const [kinds, setKinds] = useState<SchemeKind[]>(draft ? schemeKindsOf(draft) : []);
  const [expires, setExpires] = useState(draft ? toLocalInput(new Date(draft.expires_at)) : '');
  const [isPublic, setPublic] = useState(draft?.public ?? false);
  const advice = draft ? adviceOf(draft) : {};
  const guidance = useAlertGuidance();
  const [areaName, setAreaName] = useState(advice.area_name ?? '');
  // Named by its author (typed, or a draft's): a place found later does not rename it.
  const [areaNamed, setAreaNamed] = useState(!!advice.area_name);
  const [instruction, setInstruction] = useState(advice.instruction ?? '');
  const [responseType, setResponseType] = useState<string>(advice.response_type ?? '');
  const [contact, setContact] = useState(advice.contact ?? '');

  // A new alert starts with the usual contact, and (once its category is chosen before the
  // defaults arrived) the category's usual advice.
  useEffect(() => {
    if (!guidance) return;
    if (!contact) setContact(guidance.contact);
    const usual = guidance.categories[category as AlertCategory];
    if (usual && !instruction) setInstruction(usual.instruction);
    if (usual && !responseType) setResponseType(usual.response_type);
  }, [guidance]);

  const chooseCategory = (value: string) => {
    // The advice follows the category while it is the category's usual (or empty).
    const before = guidance?.categories[category as AlertCategory];
    const after = guidance?.categories[value as AlertCategory];
    if (after && (!instruction.trim() || instruction === before?.instruction)) setInstruction(after.instruction);
    if (after && (!responseType || responseType === before?.response_type)) setResponseType(after.response_type);
    setCategory(value);
    if (value) clear('category');
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

  const shape = areaInput(area);
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
  };
  // The reach depends on the area, the issuer, the audience and kinds, and (for volunteers'
  // choices) the category and severity; the wording is not needed yet.
  const previewInput: ComposedAlert | null = shape
    ? {
        ...details,
        ...shape,
        title: 'Preview',
        body: 'Preview',
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
        area.shape === 'circle'
          ? 'Choose the centre of the area: tap the map.'
          : 'Finish the area: tap at least three corners, then close the shape.',
      ];
    }
    if (!details.title) problems.title = ['Give the alert a title.'];
    if (!details.body) problems.body = ['Say what has happened.'];
    if (!category) problems.category = ['Choose a category.'];
    if (!severity) problems.severity = ['Choose how severe it is.'];
    if (!urgency) problems.urgency = ['Choose how urgent it is.'];
    let expiresAt: string | undefined;
    if (expires) {
      const moment = fromLocalInput(expires);
      if (!moment) problems.expires_at = ['Give a date and time, or leave it empty.'];
      else if (moment.getTime() <= Date.now()) problems.expires_at = ['The expiry must be in the future.'];
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
      goWithMessage(`/alerts/${saved.id}`, 'Draft saved. Nobody has been sent it yet.');
    });

  const publish = () =>
    submission.run(async () => {
      const saved = await save(build());
      try {
        await api.publishAlert(saved.id);
      } catch (error) {
        goWithMessage(`/alerts/${saved.id}`, `Saved as a draft but not published: ${asApiError(error).message}`);
        return;
      }
      goWithMessage(`/alerts/${saved.id}`, 'Alert published. It is on its way to everyone it reaches.');
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
      <p>
        An alert goes at once to the coordinators of every scheme whose area it touches and, unless it is for coordinators
        only, to their members (all of them, except those who turned this kind of alert off). In an emergency call 999
        first.
      </p>
      <ErrorAlert messages={submission.otherErrors(SHOWN_FIELDS)} />
      {issuerChoices.length > 1 ? (
        <SelectField
          label="Send for"
          hint="A coordinator’s alert must stay inside their scheme’s area."
          value={issuer}
          onValue={chooseIssuer}
          choices={issuerChoices}
          errors={errorsFor('scheme')}
        />
      ) : (
        <p>
          Sent for <strong>{issuerChoices[0].label}</strong>.
          {scheme && ' The area must stay inside the scheme’s area (the dashed outline).'}
        </p>
      )}
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
            ? 'The dashed outline is your scheme’s area; the alert starts as all of it.'
            : 'Dashed outlines are the active schemes in your force.'
        }
      />
      <TextField
        label="Name of the area (optional)"
        hint="How the alert names the place, for example Mill Road, Cambridge. It is filled in from the place you find on the map; left empty, the alert names the schemes it reaches."
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
        waiting="Draw the area to see who this alert will reach."
        note={
          category && severity
            ? undefined
            : 'Members who chose only some kinds of alert are counted once you choose the category and severity.'
        }
      />
      <TextField
        label="Title"
        hint="A short headline, for example: Bogus water board callers on Mill Road."
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
        label="Message"
        hint="What happened, where and when. What people should do goes below."
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
        label="Category"
        value={category}
        onValue={chooseCategory}
        placeholder="Choose a category"
        choices={CATEGORY_CHOICES()}
        errors={errorsFor('category')}
      />
      <fieldset>
        <legend>What people should do</legend>
        <p class="field-hint">
          These start as the usual advice for the category. Change them to fit; left empty, the usual advice is sent.
        </p>
        <TextAreaField
          label="Instructions"
          hint="What the people it reaches should do, in a sentence or two."
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
          label="Response asked for"
          hint="For the police systems that take the alert (the CAP response type)."
          value={responseType}
          onValue={(value) => {
            setResponseType(value);
            clear('response_type');
          }}
          placeholder="The usual for the category"
          choices={RESPONSE_TYPE_CHOICES}
          errors={errorsFor('response_type')}
        />
        <TextField
          label="Who to contact"
          hint="Shown with the alert and in the public feeds: a police number, never a volunteer’s own."
          maxLength={200}
          value={contact}
          onValue={(value) => {
            setContact(value);
            clear('contact');
          }}
          errors={errorsFor('contact')}
        />
      </fieldset>
      <RadioGroupField
        legend="Severity"
        value={severity}
        onValue={(value) => {
          setSeverity(value);
          clear('severity');
        }}
        choices={SEVERITY_CHOICES()}
        errors={errorsFor('severity')}
      />
      <RadioGroupField
        legend="Urgency"
        hint="Immediate alerts go even during people’s quiet hours."
        value={urgency}
        onValue={(value) => {
          setUrgency(value);
          clear('urgency');
        }}
        choices={URGENCY_CHOICES()}
        errors={errorsFor('urgency')}
      />
      <RadioGroupField
        legend="Who should hear of it"
        value={audience}
        onValue={(value) => {
          setAudience(value as Audience);
          clear('audience');
        }}
        choices={AUDIENCE_CHOICES}
        errors={errorsFor('audience')}
      />
      <fieldset class={errorsFor('scheme_kinds')?.length ? 'field--invalid' : undefined}>
        <legend>Kinds of scheme (optional)</legend>
        <p class="field-hint">Leave all unticked to reach every kind.</p>
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
        <label for="alert-expires">Expires (optional)</label>
        <p class="field-hint" id="alert-expires-hint">
          Without a time, an alert expires after three days.
        </p>
        {errorsFor('expires_at') && (
          <p class="field-error" id="alert-expires-error">
            <span class="visually-hidden">Error: </span>
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
        label="Public"
        hint="Also shown in the public feeds (CAP and Atom) that anyone can follow. Leave it off for anything about people or homes."
        checked={isPublic}
        onChecked={setPublic}
      />
      <div class="button-row compose__actions">
        <ConfirmAction
          label="Publish"
          primary
          question={
            reach.reach
              ? `Send this alert now to ${reachSentence(reach.reach)}?`
              : 'Send this alert now? It goes out at once.'
          }
          confirmLabel="Publish now"
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
          Save draft
        </button>
      </div>
    </form>
  );
}
