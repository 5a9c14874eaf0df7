// Logging one speeding vehicle, quickly and with one thumb: registration and speed first
// and large, the rest optional, and focus back on the registration after each entry.

import { useRef, useState } from 'preact/hooks';
import { useActionResult } from '../actionResult';
import { newUuid } from '../api';
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
import { COMMON_COLOURS, COMMON_MAKES, modelSuggestions } from '../vehicleSuggestions';
import { ActionResult } from './ActionResult';
import { SelectField, TextField } from './FormField';

const VEHICLE_CHOICES = (Object.keys(VEHICLE_TYPE_LABELS) as VehicleType[]).map((type) => ({
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
  onAdd,
}: {
  startedAt: string;
  endedAt: string;
  speedLimit: number;
  /** The site's threshold from the server; unknown only for a draft kept by an older app. */
  threshold: number | undefined;
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

  const onSubmit = (event: Event) => {
    event.preventDefault();
    added.clear();
    const problems: Record<string, string[]> = {};
    const plate = normaliseRegistration(registration);
    if (!REGISTRATION.test(plate)) {
      problems.registration = ['Enter the registration as letters and digits, 2 to 8 of them (e.g. AB12 CDE).'];
    }
    const mph = Number(speed);
    if (!/^\d{1,3}$/.test(speed.trim()) || mph < 1 || mph > 200) {
      problems.speed_mph = ['Enter the speed in whole miles per hour.'];
    } else if (threshold !== undefined && mph < threshold) {
      problems.speed_mph = [
        `${mph} mph is under the ${threshold} mph threshold for a ${speedLimit} mph limit: only speeds of ${threshold} mph or more are offences.`,
      ];
    }
    const observed = atTime(startedAt, shownTime);
    if (!observed || observed.getTime() < Date.parse(startedAt) - 59_000 || observed.getTime() > Date.parse(endedAt)) {
      problems.observed_at = [`The time must fall within the session (${formatTime(startedAt)} to ${formatTime(endedAt)}).`];
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
    added.say(`Added ${formatRegistration(plate)} at ${mph} mph.`);
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
      <h2 id="offence-form-heading">Log an offence</h2>
      <div class="offence-form__main">
        <TextField
          label="Registration"
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
          label="Speed (mph)"
          hint={threshold !== undefined ? `${threshold} mph or more.` : undefined}
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
        <summary>Vehicle details and time (optional)</summary>
        <TextField
          label="Make"
          suggestions={COMMON_MAKES}
          autoComplete="off"
          maxLength={40}
          value={make}
          onValue={setMake}
        />
        <TextField
          label="Model"
          // Named for the browser tests, which read the models offered.
          list="offence-models"
          suggestions={models}
          autoComplete="off"
          maxLength={40}
          value={model}
          onValue={setModel}
        />
        <TextField
          label="Colour"
          suggestions={COMMON_COLOURS}
          autoComplete="off"
          maxLength={30}
          value={colour}
          onValue={setColour}
        />
        <SelectField label="Vehicle type" value={vehicleType} onValue={setVehicleType} choices={VEHICLE_CHOICES} />
        <TextField
          label="Time"
          type="time"
          hint={`Between ${formatTime(startedAt)} and ${formatTime(endedAt)}. Filled in as now, or the session's end once it is over.`}
          value={shownTime}
          onValue={(value) => {
            setTime(value);
            setTimeTouched(true);
          }}
          errors={errors.observed_at}
        />
      </details>
      <button type="submit" class="button button--primary button--wide button--large">
        Add offence
      </button>
      <ActionResult result={added} />
    </form>
  );
}
