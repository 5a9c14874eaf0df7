// "/speedwatch/sites/new" — a coordinator proposes a roadside site for the police liaison
// to approve: where it is, the limit, the traffic watched, and the risk assessment.

import { useEffect, useMemo, useState } from 'preact/hooks';
import { api, ApiError } from '../api';
import { AreaPicker, type PickedPoint, type PickerWording } from '../components/AreaPicker';
import { BackLink } from '../components/BackLink';
import { ErrorAlert, RadioGroupField, SelectField, SubmitButton, TextAreaField, TextField } from '../components/FormField';
import { Loading } from '../components/Loading';
import { RequireSignIn } from '../components/RequireSignIn';
import { DIRECTION_LABELS, formatNumber } from '../format';
import { asApiError, useSubmission, useTitle } from '../hooks';
import { useSession } from '../session';
import { useSpeedwatchAccess, type SchemeName } from '../speedwatchAccess';
import type { Direction, RiskAssessment, SchemeSummary } from '../api/schemas';
import type { Config } from '../session';
import { t } from '../i18n';

// Read when the form is drawn, so that they are in the language of the moment.
const WORDING = (): PickerWording => ({
  legend: t('proposeSite.where'),
  hint: t('proposeSite.whereHint'),
  mapLabel: t('proposeSite.mapLabel'),
  chosen: t('proposeSite.chosen'),
  nothingChosen: t('proposeSite.nothingChosen'),
});

const YES_NO = () => [
  { value: 'yes', label: t('proposeSite.yes') },
  { value: 'no', label: t('proposeSite.no') },
];

/** "20, 30 and 40" in the language of the moment. */
function limitsInWords(limits: number[]): string {
  const texts = limits.map(formatNumber);
  if (texts.length < 2) return texts.join('');
  return t('proposeSite.listAnd', { first: texts.slice(0, -1).join(', '), last: texts[texts.length - 1] });
}

const DIRECTION_CHOICES = () => (Object.keys(DIRECTION_LABELS) as Direction[]).map((direction) => ({
  value: direction,
  label: DIRECTION_LABELS[direction],
}));

const SHOWN_FIELDS = ['scheme', 'name', 'road_name', 'lat', 'lon', 'speed_limit_mph', 'direction', 'notes'] as const;

export function ProposeSiteScreen() {
  useTitle(t('proposeSite.title'));
  return (
    <>
      <BackLink href="/speedwatch/sites" label={t('sites.heading')} />
      <h1 tabIndex={-1}>{t('proposeSite.title')}</h1>
      <RequireSignIn>{() => <ProposeSite />}</RequireSignIn>
    </>
  );
}

function ProposeSite() {
  const { config } = useSession();
  const access = useSpeedwatchAccess();
  const schemes = useSchemesOf(access?.coordinated);
  if (!access || !config) return <Loading />;
  if (!access.coordinated.length) {
    return <p>{t('proposeSite.onlyCoordinators')}</p>;
  }
  if (schemes instanceof ApiError) return <ErrorAlert messages={[schemes.message]} />;
  if (!schemes) return <Loading />;
  return <SiteForm config={config} schemes={schemes} />;
}

/** The schemes named, with their areas (for the map); null while loading. */
function useSchemesOf(named: SchemeName[] | undefined): SchemeSummary[] | ApiError | null {
  const [schemes, setSchemes] = useState<SchemeSummary[] | ApiError | null>(null);
  const ids = (named ?? []).map((scheme) => scheme.id).join(',');
  useEffect(() => {
    if (!named?.length) return;
    let live = true;
    Promise.all(named.map((scheme) => api.scheme(scheme.id))).then(
      (loaded) => live && setSchemes(loaded),
      (error) => live && setSchemes(asApiError(error)),
    );
    return () => {
      live = false;
    };
  }, [ids]);
  return schemes;
}

function SiteForm({ config, schemes }: { config: Config; schemes: SchemeSummary[] }) {
  // The questions of the standard site risk assessment, as the server asks them.
  // Unknown without the server (and no copy of its configuration): then the server asks.
  const questions = (config.speedwatch_risk_questions ?? []) as { key: keyof RiskAssessment; question: string }[];
  const { goWithMessage } = useSession();
  const submission = useSubmission();
  const [schemeId, setSchemeId] = useState(String(schemes[0].id));
  const [name, setName] = useState('');
  const [road, setRoad] = useState('');
  const [point, setPoint] = useState<PickedPoint | null>(null);
  const [limit, setLimit] = useState('');
  const [direction, setDirection] = useState('');
  const [notes, setNotes] = useState('');
  const [answers, setAnswers] = useState<Record<string, string>>({});

  const scheme = schemes.find((item) => String(item.id) === schemeId) ?? schemes[0];
  const startAt = useMemo(
    () => (scheme.lat !== null && scheme.lon !== null ? { lat: scheme.lat, lon: scheme.lon, zoom: 15 } : null),
    [scheme.lat, scheme.lon],
  );
  // The limits a site may have and their thresholds are the server's settings.
  const limits = config.speedwatch_allowed_limits_mph;
  const limitChoices = limits.map((item) => ({ value: String(item), label: t('proposeSite.mph', { n: formatNumber(item) }) }));
  const threshold = config.speedwatch_threshold_mph[limit];
  const errorsFor = submission.fieldErrors;
  const placeErrors = [...(errorsFor('lat') ?? []), ...(errorsFor('lon') ?? [])];

  const onSubmit = (event: Event) => {
    event.preventDefault();
    submission.run(async () => {
      const problems: Record<string, string[]> = {};
      if (!point) problems.lat = [t('proposeSite.errorWhere')];
      if (!limit) problems.speed_limit_mph = [t('proposeSite.errorLimit')];
      if (!direction) problems.direction = [t('proposeSite.errorDirection')];
      for (const question of questions) {
        if (!answers[question.key]) problems[question.key] = [t('proposeSite.errorAnswer')];
        else if (answers[question.key] !== 'yes') {
          problems[question.key] = [t('proposeSite.errorNotYes')];
        }
      }
      if (Object.keys(problems).length) throw new ApiError(400, problems, []);
      const site = await api.proposeSite({
        scheme: scheme.id,
        name: name.trim(),
        road_name: road.trim(),
        lat: point!.lat,
        lon: point!.lon,
        speed_limit_mph: Number(limit),
        direction: direction as Direction,
        notes: notes.trim(),
        // Every answer is yes by now (see above).
        risk_assessment: Object.fromEntries(questions.map((question) => [question.key, true])) as unknown as RiskAssessment,
      });
      goWithMessage('/speedwatch/sites', t('proposeSite.proposed', { name: site.name }));
    });
  };

  const riskErrors = questions.map((question) => question.key as string);
  return (
    <form onSubmit={onSubmit} noValidate>
      <p>{t('proposeSite.intro')}</p>
      <ErrorAlert messages={submission.otherErrors([...SHOWN_FIELDS, ...riskErrors])} />
      {schemes.length > 1 ? (
        <SelectField
          label={t('proposeSite.scheme')}
          value={schemeId}
          onValue={setSchemeId}
          choices={schemes.map((item) => ({ value: String(item.id), label: item.name }))}
          errors={errorsFor('scheme')}
        />
      ) : (
        <p>
          {t('proposeSite.forBefore')}
          <strong>{scheme.name}</strong>
          {t('proposeSite.forAfter')}
        </p>
      )}
      <TextField
        label={t('proposeSite.name')}
        hint={t('proposeSite.nameHint')}
        required
        maxLength={120}
        value={name}
        onValue={setName}
        errors={errorsFor('name')}
      />
      <TextField
        label={t('proposeSite.road')}
        required
        maxLength={120}
        autoComplete="off"
        value={road}
        onValue={setRoad}
        errors={errorsFor('road_name')}
      />
      <AreaPicker
        config={config}
        point={point}
        radius={0}
        onPick={setPoint}
        wording={WORDING()}
        startAt={startAt}
        errors={placeErrors.length ? placeErrors : undefined}
      />
      <RadioGroupField
        legend={t('proposeSite.limit')}
        hint={
          threshold !== undefined
            ? t('proposeSite.offencesFrom', { n: formatNumber(threshold) })
            : limits.length
              ? t('proposeSite.runsOn', { limits: limitsInWords(limits) })
              : t('proposeSite.limitsMissing')
        }
        inline
        value={limit}
        onValue={setLimit}
        choices={limitChoices}
        errors={errorsFor('speed_limit_mph')}
      />
      <SelectField
        label={t('proposeSite.traffic')}
        value={direction}
        onValue={setDirection}
        placeholder={t('proposeSite.chooseDirection')}
        choices={DIRECTION_CHOICES()}
        errors={errorsFor('direction')}
      />
      <TextAreaField
        label={t('proposeSite.notes')}
        hint={t('proposeSite.notesHint')}
        rows={3}
        maxLength={2000}
        value={notes}
        onValue={setNotes}
        errors={errorsFor('notes')}
      />
      <fieldset class="risk-assessment">
        <legend>{t('siteScreen.riskAssessment')}</legend>
        <p class="field-hint">{t('proposeSite.riskHint')}</p>
        {questions.map((question) => (
          <RadioGroupField
            key={question.key}
            legend={question.question}
            inline
            value={answers[question.key] ?? ''}
            onValue={(answer) => setAnswers((old) => ({ ...old, [question.key]: answer }))}
            choices={YES_NO()}
            errors={errorsFor(question.key)}
          />
        ))}
      </fieldset>
      <SubmitButton busy={submission.busy} busyText={t('proposeSite.sending')}>
        {t('proposeSite.submit')}
      </SubmitButton>
    </form>
  );
}
