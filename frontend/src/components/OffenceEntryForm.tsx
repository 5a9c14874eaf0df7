// Logging one speeding vehicle, quickly and with one thumb: registration and speed first
// and large, the rest optional, and focus back on the registration after each entry.

import { useEffect, useRef, useState } from 'preact/hooks';
import { useActionResult } from '../actionResult';
import { api, newUuid } from '../api';
import {
  atLondonTime,
  formatRegistration,
  formatTime,
  normaliseRegistration,
  toLondonTime,
  VEHICLE_TYPE_LABELS,
} from '../format';
import type { NewOffence } from '../sessionDrafts';
import type { VehicleType } from '../api/schemas';
import { colourSuggestions, COMMON_MAKES, modelSuggestions } from '../vehicleSuggestions';
import { t } from '../i18n';
import { ActionResult } from './ActionResult';
import { SelectField, TextField } from './FormField';
import { VehicleCheckNotice, type CheckedVehicle } from './VehicleCheckNotice';

// Read at each render: the words follow the language of the moment.
const vehicleChoices = () =>
  (Object.keys(VEHICLE_TYPE_LABELS) as VehicleType[]).map((type) => ({
    value: type,
    label: VEHICLE_TYPE_LABELS[type],
  }));

const REGISTRATION = /^[A-Z0-9]{2,8}$/;

// Times are typed and shown on London's clock, whatever zone the phone is in.
const hhmm = toLondonTime;

/** The moment on the session's (London) day at the time typed ("10:37"). */
function atTime(startIso: string, time: string): Date | null {
  return atLondonTime(new Date(startIso), time);
}

/** Now, or the nearest moment inside the session when now is outside it. */
function defaultTime(startIso: string, endIso: string): string {
  const now = Date.now();
  const clamped = Math.min(Math.max(now, Date.parse(startIso)), Date.parse(endIso));
  return hhmm(new Date(clamped));
}

export function OffenceEntryForm({
  startedAt,
  endedAt,
  speedLimit,
  threshold,
  schemeId,
  logged,
  onAdd,
}: {
  startedAt: string;
  endedAt: string;
  speedLimit: number;
  /** The site's threshold from the server; unknown only for a draft kept by an older app. */
  threshold: number | undefined;
  /** The scheme logging, to check each plate with the DVLA as it is logged (with a signal). */
  schemeId?: number;
  /** The registrations logged so far: a notice about a plate whose offence was removed goes. */
  logged: string[];
  onAdd: (offence: NewOffence & { id: string }) => void;
}) {
  const [registration, setRegistration] = useState('');
  const [speed, setSpeed] = useState('');
  const [make, setMake] = useState('');
  const [model, setModel] = useState('');
  const [colour, setColour] = useState('');
  const [vehicleType, setVehicleType] = useState<string>('car');
  // Keyed on the make typed: a Ford offers Fiesta and Focus, an unknown make every model.
  const models = modelSuggestions(make);
  const [time, setTime] = useState(() => defaultTime(startedAt, endedAt));
  const [timeTouched, setTimeTouched] = useState(false);
  const [errors, setErrors] = useState<Record<string, string[]>>({});
  // Said beside the button, and again for the same plate and speed logged twice.
  const added = useActionResult();
  const formRef = useRef<HTMLFormElement>(null);
  const moreRef = useRef<HTMLDetailsElement>(null);

  const shownTime = timeTouched ? time : defaultTime(startedAt, endedAt);
  // What the DVLA says of the last plate logged; asked after it is kept, never waited for.
  const [checked, setChecked] = useState<CheckedVehicle | null>(null);
  const lookup = useRef<AbortController | null>(null);
  useEffect(() => () => lookup.current?.abort(), []);
  // The notice above the registration comes and goes as plates are logged, moving what is below
  // it; while the coordinator is at the registration for the next car, it and the notice stay
  // in view (the last notice going could otherwise leave the page scrolled past both).
  useEffect(() => {
    const form = formRef.current;
    const input = form?.querySelector<HTMLInputElement>('input');
    if (!form || !input || document.activeElement !== input) return;
    const heading = form.querySelector('h2');
    if (heading && heading.getBoundingClientRect().top < 0) heading.scrollIntoView({ block: 'start' });
    input.scrollIntoView({ block: 'nearest' });
  }, [checked]);

  const checkedStillLogged =
    checked &&
    logged.some(
      (plate) => normaliseRegistration(plate) === normaliseRegistration(checked.answer.registration),
    )
      ? checked
      : null;

  const checkVehicle = (registration: string, recordedMake: string, recordedColour: string) => {
    lookup.current?.abort();
    setChecked(null);
    if (schemeId === undefined || !navigator.onLine) return;
    const controller = new AbortController();
    lookup.current = controller;
    api
      .vehicleLookup(
        { scheme: schemeId, registration, make: recordedMake, colour: recordedColour },
        controller.signal,
      )
      .then((answer) => {
        if (!controller.signal.aborted) setChecked({ make: recordedMake, colour: recordedColour, answer });
      })
      // No signal, or refused: the offence is checked once it is uploaded.
      .catch(() => undefined);
  };

  const onSubmit = (event: Event) => {
    event.preventDefault();
    added.clear();
    const problems: Record<string, string[]> = {};
    const plate = normaliseRegistration(registration);
    if (!REGISTRATION.test(plate)) {
      problems.registration = [t('offenceEntry.registrationInvalid')];
    }
    const mph = Number(speed);
    if (!/^\d{1,3}$/.test(speed.trim()) || mph < 1 || mph > 200) {
      problems.speed_mph = [t('offenceEntry.speedInvalid')];
    } else if (threshold !== undefined && mph < threshold) {
      problems.speed_mph = [t('offenceEntry.underThreshold', { speed: mph, threshold, limit: speedLimit })];
    }
    const observed = atTime(startedAt, shownTime);
    if (!observed || observed.getTime() < Date.parse(startedAt) - 59_000 || observed.getTime() > Date.parse(endedAt)) {
      problems.observed_at = [
        t('offenceEntry.timeOutside', { start: formatTime(startedAt), end: formatTime(endedAt) }),
      ];
    }
    setErrors(problems);
    if (Object.keys(problems).length) {
      if (problems.observed_at && moreRef.current) moreRef.current.open = true;
      requestAnimationFrame(() => formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
      return;
    }
    // A time typed as the session's first minute counts from its very start.
    const observedAt = new Date(Math.max(observed!.getTime(), Date.parse(startedAt)));
    onAdd({
      id: newUuid(),
      registration: plate,
      make: make.trim(),
      model: model.trim(),
      colour: colour.trim(),
      vehicle_type: vehicleType as VehicleType,
      speed_mph: mph,
      observed_at: observedAt.toISOString(),
    });
    added.say(t('offenceEntry.added', { registration: formatRegistration(plate), speed: mph }));
    checkVehicle(plate, make.trim(), colour.trim());
    setRegistration('');
    setSpeed('');
    setMake('');
    setModel('');
    setColour('');
    setVehicleType('car');
    formRef.current?.querySelector<HTMLInputElement>('input')?.focus();
  };

  return (
    <form ref={formRef} class="offence-form" onSubmit={onSubmit} noValidate aria-labelledby="offence-form-heading">
      <h2 id="offence-form-heading">{t('offenceEntry.heading')}</h2>
      {/* Above the registration, where focus returns for the next car: beside the button it
          fell below the fold of a phone, the more so with the vehicle's details open. */}
      <VehicleCheckNotice checked={checkedStillLogged} />
      <div class="offence-form__main">
        <TextField
          label={t('offenceEntry.registration')}
          class="plate-input"
          autoComplete="off"
          autoCapitalize="characters"
          spellcheck={false}
          enterKeyHint="next"
          maxLength={12}
          value={registration}
          onValue={setRegistration}
          errors={errors.registration}
        />
        <TextField
          label={t('offenceEntry.speed')}
          hint={threshold !== undefined ? t('offenceEntry.speedHint', { threshold }) : undefined}
          class="speed-input"
          inputMode="numeric"
          pattern="[0-9]*"
          autoComplete="off"
          enterKeyHint="done"
          maxLength={3}
          value={speed}
          onValue={setSpeed}
          errors={errors.speed_mph}
        />
      </div>
      <details class="offence-form__more" ref={moreRef}>
        <summary>{t('offenceEntry.more')}</summary>
        <TextField
          label={t('offenceEntry.make')}
          suggestions={COMMON_MAKES}
          autoComplete="off"
          maxLength={40}
          value={make}
          onValue={setMake}
        />
        <TextField
          label={t('offenceEntry.model')}
          // Named for the browser tests, which read the models offered.
          list="offence-models"
          suggestions={models}
          autoComplete="off"
          maxLength={40}
          value={model}
          onValue={setModel}
        />
        <TextField
          label={t('offenceEntry.colour')}
          suggestions={colourSuggestions()}
          autoComplete="off"
          maxLength={30}
          value={colour}
          onValue={setColour}
        />
        <SelectField
          label={t('offenceEntry.vehicleType')}
          value={vehicleType}
          onValue={setVehicleType}
          choices={vehicleChoices()}
        />
        <TextField
          label={t('offenceEntry.time')}
          type="time"
          hint={t('offenceEntry.timeHint', { start: formatTime(startedAt), end: formatTime(endedAt) })}
          value={shownTime}
          onValue={(value) => {
            setTime(value);
            setTimeTouched(true);
          }}
          errors={errors.observed_at}
        />
      </details>
      <button type="submit" class="button button--primary button--wide button--large">
        {t('offenceEntry.add')}
      </button>
      <ActionResult result={added} />
    </form>
  );
}
