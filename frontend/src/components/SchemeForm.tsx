// The details of a scheme, used to propose a new one and to edit one.

import { useEffect, useMemo, useState } from 'preact/hooks';
import { api, ApiError } from '../api';
import { KIND_LABELS } from '../format';
import { useSubmission } from '../hooks';
import type { Config, Force, SchemeInput, SchemeKind } from '../types';
import { AreaPicker, type PickedPoint } from './AreaPicker';
import { CheckboxField, ErrorAlert, SelectField, SubmitButton, TextAreaField, TextField } from './FormField';

const KIND_CHOICES = (Object.keys(KIND_LABELS) as SchemeKind[]).map((kind) => ({ value: kind, label: KIND_LABELS[kind] }));

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

let forcesCache: Promise<Force[]> | null = null;

function loadForces(): Promise<Force[]> {
  forcesCache ??= api.forces().then(
    (page) => page.results,
    (error) => {
      forcesCache = null;
      throw error;
    },
  );
  return forcesCache;
}

export function toSchemeInput(values: SchemeFormValues): SchemeInput {
  return {
    name: values.name.trim(),
    kind: values.kind as SchemeKind,
    force: values.force,
    description: values.description.trim(),
    lat: values.point?.lat ?? null,
    lon: values.point?.lon ?? null,
    radius_m: values.radius.trim() ? Number(values.radius) : null,
    contact_name: values.contact_name.trim(),
    contact_email: values.contact_email.trim(),
    contact_phone: values.contact_phone.trim(),
    show_contact_email: values.show_contact_email,
    show_contact_phone: values.show_contact_phone,
  };
}

export function SchemeForm({
  config,
  initial,
  submitLabel,
  areaNote,
  onSubmit,
}: {
  config: Config;
  initial: SchemeFormValues;
  submitLabel: string;
  areaNote?: string;
  onSubmit: (values: SchemeFormValues) => Promise<void>;
}) {
  const [values, setValues] = useState(initial);
  const [forces, setForces] = useState<Force[] | null>(null);
  const [forcesError, setForcesError] = useState('');
  const submission = useSubmission();

  useEffect(() => {
    loadForces().then(setForces, () => setForcesError('The list of police forces could not be loaded. Reload the page to try again.'));
  }, []);

  const set =
    <K extends keyof SchemeFormValues>(field: K) =>
    (value: SchemeFormValues[K]) =>
      setValues((old) => ({ ...old, [field]: value }));

  const forceChoices = useMemo(
    () => (forces ?? []).map((force) => ({ value: force.code, label: force.name })),
    [forces],
  );

  const areaErrors = [
    ...(submission.fieldErrors('lat') ?? []),
    ...(submission.fieldErrors('lon') ?? []),
    ...(submission.fieldErrors('boundary') ?? []),
  ];

  const onFormSubmit = (event: Event) => {
    event.preventDefault();
    submission.run(async () => {
      if (!values.point && !areaNote) {
        throw new ApiError(400, { lat: ['Choose the centre of the area: tap the map or use your location.'] }, []);
      }
      await onSubmit(values);
    });
  };

  return (
    <form onSubmit={onFormSubmit} noValidate class="scheme-form">
      <ErrorAlert messages={submission.otherErrors(SHOWN_FIELDS)} />
      <ErrorAlert messages={forcesError ? [forcesError] : []} />
      <TextField
        label="Scheme name"
        hint="For example Mill Road Neighbourhood Watch."
        required
        value={values.name}
        onValue={set('name')}
        errors={submission.fieldErrors('name')}
      />
      <SelectField
        label="Kind"
        value={values.kind}
        onValue={set('kind')}
        placeholder="Choose a kind of scheme"
        choices={KIND_CHOICES}
        required
        errors={submission.fieldErrors('kind')}
      />
      <SelectField
        label="Police force"
        hint="The force that covers the area. Its liaison officer reviews the proposal."
        value={values.force}
        onValue={set('force')}
        placeholder={forces ? 'Choose a police force' : 'Loading police forces…'}
        choices={forceChoices}
        required
        errors={submission.fieldErrors('force')}
      />
      <TextAreaField
        label="Description"
        hint="What the scheme does and which streets or lanes it covers."
        rows={5}
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
        label="Radius (metres)"
        type="number"
        inputMode="numeric"
        min={50}
        max={50000}
        step={50}
        hint="How far the area reaches from its centre: about 500 for a few streets, 2000 for a village."
        value={values.radius}
        onValue={set('radius')}
        errors={submission.fieldErrors('radius_m')}
      />
      <fieldset>
        <legend>Contact details</legend>
        <p class="field-hint">Members and the police liaison can always see these. You choose what the public sees.</p>
        <TextField
          label="Contact name"
          autoComplete="name"
          value={values.contact_name}
          onValue={set('contact_name')}
          errors={submission.fieldErrors('contact_name')}
        />
        <TextField
          label="Contact email"
          type="email"
          autoComplete="email"
          inputMode="email"
          value={values.contact_email}
          onValue={set('contact_email')}
          errors={submission.fieldErrors('contact_email')}
        />
        <TextField
          label="Contact phone (optional)"
          type="tel"
          autoComplete="tel"
          value={values.contact_phone}
          onValue={set('contact_phone')}
          errors={submission.fieldErrors('contact_phone')}
        />
        <CheckboxField
          label="Show contact email publicly"
          checked={values.show_contact_email}
          onChecked={set('show_contact_email')}
          errors={submission.fieldErrors('show_contact_email')}
        />
        <CheckboxField
          label="Show contact phone publicly"
          checked={values.show_contact_phone}
          onChecked={set('show_contact_phone')}
          errors={submission.fieldErrors('show_contact_phone')}
        />
      </fieldset>
      <SubmitButton busy={submission.busy}>{submitLabel}</SubmitButton>
    </form>
  );
}
