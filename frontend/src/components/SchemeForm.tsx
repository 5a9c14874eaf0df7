// The details of a scheme, used to propose a new one and to edit one.

import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { api, ApiError } from '../api';
import { KIND_LABELS } from '../format';
import { useSubmission } from '../hooks';
import type { Force, ForceCode, SchemeInput, SchemeKind } from '../api/schemas';
import type { Config } from '../session';
import { AreaPicker, type PickedPoint } from './AreaPicker';
import { CheckboxField, ErrorAlert, SelectField, SubmitButton, TextAreaField, TextField } from './FormField';
import { PoliceForcePicker } from './PoliceForcePicker';
import { language, t, type Language } from '../i18n';

const KIND_CHOICES = () => (Object.keys(KIND_LABELS) as SchemeKind[]).map((kind) => ({ value: kind, label: KIND_LABELS[kind] }));

const SHOWN_FIELDS = [
  'name',
  'kind',
  'force',
  'description',
  'lat',
  'lon',
  'radius_m',
  'boundary',
  'contact_name',
  'contact_email',
  'contact_phone',
  'show_contact_email',
  'show_contact_phone',
] as const;

export interface SchemeFormValues {
  name: string;
  kind: string;
  force: string;
  description: string;
  point: PickedPoint | null;
  radius: string;
  contact_name: string;
  contact_email: string;
  contact_phone: string;
  show_contact_email: boolean;
  show_contact_phone: boolean;
}

// Once per language: the forces of Wales have Welsh names.
const forcesCache = new Map<Language, Promise<Force[]>>();

function loadForces(): Promise<Force[]> {
  const lang = language();
  let forces = forcesCache.get(lang);
  if (!forces) {
    forces = api.forces().then(
      (page) => page.results,
      (error) => {
        forcesCache.delete(lang);
        throw error;
      },
    );
    forcesCache.set(lang, forces);
  }
  return forces;
}

export function toSchemeInput(values: SchemeFormValues): SchemeInput {
  return {
    name: values.name.trim(),
    kind: values.kind as SchemeKind,
    force: values.force as ForceCode,
    description: values.description.trim(),
    // Left out, not null, when not chosen: the server takes no null here.
    lat: values.point?.lat,
    lon: values.point?.lon,
    radius_m: values.radius.trim() ? Number(values.radius) : undefined,
    contact_name: values.contact_name.trim(),
    contact_email: values.contact_email.trim(),
    contact_phone: values.contact_phone.trim(),
    show_contact_email: values.show_contact_email,
    show_contact_phone: values.show_contact_phone,
  };
}

// The server's own checks of a proposal, made here first with the limits it sends in
// GET config/ (schemes/serializers.py SchemeInputSerializer), so that mistakes show at once.
const PHONE = /^\+?[0-9][0-9 ()-]{6,18}[0-9]$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
// Which error field each value's messages are under.
const FIELD_OF: Partial<Record<keyof SchemeFormValues, string>> = {
  name: 'name',
  kind: 'kind',
  force: 'force',
  description: 'description',
  point: 'lat',
  radius: 'radius_m',
  contact_name: 'contact_name',
  contact_email: 'contact_email',
  contact_phone: 'contact_phone',
};
// Used only if config could not be loaded: the server's defaults.
const DEFAULT_RADIUS_LIMITS = { min: 50, max: 20000 };

export function schemeFormProblems(
  values: SchemeFormValues,
  config: Config,
  { needsCentre }: { needsCentre: boolean },
): Record<string, string[]> {
  const problems: Record<string, string[]> = {};
  const add = (field: string, message: string) => (problems[field] ??= []).push(message);
  const limits = config.scheme_text_max_lengths ?? {};
  // One message per field, so that each language can say "the name" or "the description" its own way.
  const tooLong = (field: 'name' | 'description' | 'contact_name') => {
    const max = limits[field];
    const text = String(values[field]).trim();
    if (max && text.length > max) add(field, t(`schemeForm.tooLong.${field}`, { max, length: text.length }));
  };
  if (!values.name.trim()) add('name', t('schemeForm.nameMissing'));
  tooLong('name');
  if (!values.kind) add('kind', t('schemeForm.kindMissing'));
  if (!values.force) add('force', t('schemeForm.forceMissing'));
  tooLong('description');
  if (needsCentre && !values.point) add('lat', t('schemeForm.centreMissing'));
  const radiusText = values.radius.trim();
  if (needsCentre || radiusText) {
    const min = config.scheme_radius_min_m ?? DEFAULT_RADIUS_LIMITS.min;
    const max = config.scheme_radius_max_m ?? DEFAULT_RADIUS_LIMITS.max;
    const radius = Number(radiusText);
    if (!radiusText || !Number.isInteger(radius) || radius < min || radius > max) {
      add('radius_m', t('schemeForm.radiusRange', { min, max }));
    }
  }
  tooLong('contact_name');
  if (values.contact_email.trim() && !EMAIL.test(values.contact_email.trim())) {
    add('contact_email', t('schemeForm.emailInvalid'));
  }
  if (values.contact_phone.trim() && !PHONE.test(values.contact_phone.trim())) {
    add('contact_phone', t('schemeForm.phoneInvalid'));
  }
  return problems;
}

export function SchemeForm({
  config,
  initial,
  submitLabel,
  areaNote,
  forceFromLocation = false,
  onSubmit,
}: {
  config: Config;
  initial: SchemeFormValues;
  submitLabel: string;
  areaNote?: string;
  /** Suggest the police force from the area's centre (proposing), rather than a plain list. */
  forceFromLocation?: boolean;
  onSubmit: (values: SchemeFormValues) => Promise<void>;
}) {
  const [values, setValues] = useState(initial);
  const [forces, setForces] = useState<Force[] | null>(null);
  const [forcesError, setForcesError] = useState('');
  const submission = useSubmission();

  const lang = language();
  useEffect(() => {
    loadForces().then(setForces, () => setForcesError(t('schemeForm.forcesNotLoaded')));
  }, [lang]);

  const set =
    <K extends keyof SchemeFormValues>(field: K) =>
    (value: SchemeFormValues[K]) =>
      setValues((old) => ({ ...old, [field]: value }));

  const forceChoices = useMemo(
    () => (forces ?? []).map((force) => ({ value: force.code, label: force.name })),
    [forces],
  );

  // Once a check has failed, a field's message goes as soon as the field is put right, by
  // the same rules the check used (a message from the server stays until it is sent again).
  const previous = useRef(values);
  useEffect(() => {
    const before = previous.current;
    previous.current = values;
    const error = submission.error;
    if (!error || error.status !== 400) return;
    const problems = schemeFormProblems(values, config, { needsCentre: !areaNote });
    const fields = { ...error.fields };
    let cleared = false;
    for (const [key, field] of Object.entries(FIELD_OF) as [keyof SchemeFormValues, string][]) {
      if (before[key] !== values[key] && fields[field] && !problems[field]) {
        delete fields[field];
        cleared = true;
      }
    }
    if (cleared) submission.setError(new ApiError(error.status, fields, error.general));
  }, [values]);

  const areaErrors = [
    ...(submission.fieldErrors('lat') ?? []),
    ...(submission.fieldErrors('lon') ?? []),
    ...(submission.fieldErrors('boundary') ?? []),
  ];

  const onFormSubmit = (event: Event) => {
    event.preventDefault();
    submission.run(async () => {
      const problems = schemeFormProblems(values, config, { needsCentre: !areaNote });
      if (Object.keys(problems).length) throw new ApiError(400, problems, []);
      await onSubmit(values);
    });
  };

  return (
    <form onSubmit={onFormSubmit} noValidate class="scheme-form">
      <ErrorAlert messages={submission.otherErrors(SHOWN_FIELDS)} />
      <ErrorAlert messages={forcesError ? [forcesError] : []} />
      <TextField
        label={t('schemeForm.name')}
        hint={t('schemeForm.nameHint')}
        required
        maxLength={config.scheme_text_max_lengths?.name}
        value={values.name}
        onValue={set('name')}
        errors={submission.fieldErrors('name')}
      />
      <SelectField
        label={t('schemeForm.kind')}
        value={values.kind}
        onValue={set('kind')}
        placeholder={t('schemeForm.kindPlaceholder')}
        choices={KIND_CHOICES()}
        required
        errors={submission.fieldErrors('kind')}
      />
      {!forceFromLocation && (
        <SelectField
          label={t('forcePicker.label')}
          hint={t('forcePicker.hint')}
          value={values.force}
          onValue={set('force')}
          placeholder={forces ? t('forcePicker.placeholder') : t('forcePicker.loading')}
          choices={forceChoices}
          required
          errors={submission.fieldErrors('force')}
        />
      )}
      <TextAreaField
        label={t('schemeForm.description')}
        hint={t('schemeForm.descriptionHint')}
        rows={5}
        maxLength={config.scheme_text_max_lengths?.description}
        value={values.description}
        onValue={set('description')}
        errors={submission.fieldErrors('description')}
      />
      {areaNote && <p class="notice">{areaNote}</p>}
      <AreaPicker
        config={config}
        point={values.point}
        radius={Number(values.radius)}
        onPick={set('point')}
        errors={areaErrors.length ? areaErrors : undefined}
      />
      <TextField
        label={t('schemeForm.radius')}
        type="number"
        inputMode="numeric"
        min={config.scheme_radius_min_m ?? DEFAULT_RADIUS_LIMITS.min}
        max={config.scheme_radius_max_m ?? DEFAULT_RADIUS_LIMITS.max}
        step={50}
        hint={t('schemeForm.radiusHint', {
          min: config.scheme_radius_min_m ?? DEFAULT_RADIUS_LIMITS.min,
          max: config.scheme_radius_max_m ?? DEFAULT_RADIUS_LIMITS.max,
        })}
        value={values.radius}
        onValue={set('radius')}
        errors={submission.fieldErrors('radius_m')}
      />
      {forceFromLocation && (
        <PoliceForcePicker
          point={values.point}
          forces={forces}
          value={values.force}
          onValue={set('force')}
          errors={submission.fieldErrors('force')}
        />
      )}
      <fieldset>
        <legend>{t('schemeForm.contact')}</legend>
        <p class="field-hint">{t('schemeForm.contactHint')}</p>
        <TextField
          label={t('schemeForm.contactName')}
          autoComplete="name"
          maxLength={config.scheme_text_max_lengths?.contact_name}
          value={values.contact_name}
          onValue={set('contact_name')}
          errors={submission.fieldErrors('contact_name')}
        />
        <TextField
          label={t('schemeForm.contactEmail')}
          type="email"
          autoComplete="email"
          inputMode="email"
          value={values.contact_email}
          onValue={set('contact_email')}
          errors={submission.fieldErrors('contact_email')}
        />
        <TextField
          label={t('schemeForm.contactPhone')}
          type="tel"
          autoComplete="tel"
          value={values.contact_phone}
          onValue={set('contact_phone')}
          errors={submission.fieldErrors('contact_phone')}
        />
        <CheckboxField
          label={t('schemeForm.showEmail')}
          checked={values.show_contact_email}
          onChecked={set('show_contact_email')}
          errors={submission.fieldErrors('show_contact_email')}
        />
        <CheckboxField
          label={t('schemeForm.showPhone')}
          checked={values.show_contact_phone}
          onChecked={set('show_contact_phone')}
          errors={submission.fieldErrors('show_contact_phone')}
        />
      </fieldset>
      <SubmitButton busy={submission.busy}>{submitLabel}</SubmitButton>
    </form>
  );
}
