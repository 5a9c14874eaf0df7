// What the DVLA's register says of the plate just logged, when it disagrees: a make or colour
// other than the one recorded, or no such vehicle, said at once (above the registration, where
// focus returns) so the coordinator can look again while the car is still in sight. Logging
// never waits for it: the offence is already kept on the phone. With no signal nothing is
// asked or said (the banner says the phone is offline); when the DVLA cannot be asked, a plain
// line says so, so that with a signal silence means the plate agreed with the register.

import type { VehicleLookup } from '../api/schemas';
import { formatRegistration } from '../format';
import { t } from '../i18n';

export type CheckedVehicle = {
  /** What the coordinator recorded. */
  make: string;
  colour: string;
  answer: VehicleLookup;
};

function described(make: string, colour: string): string {
  const parts = [make, colour].map((part) => part.trim()).filter(Boolean);
  return parts.length ? parts.join(', ') : t('vehicles.check.nothingRecorded');
}

export function VehicleCheckNotice({ checked }: { checked: CheckedVehicle | null }) {
  // Always in the page, so that screen readers announce what is put in it.
  const answer = checked?.answer;
  let message: string | null = null;
  let detail: string | null = null;
  // Something to do at the roadside (amber), or only to know (plain).
  let act = true;
  if (answer?.checks_enabled) {
    const registration = formatRegistration(answer.registration);
    if (answer.status === 'mismatched') {
      message = t('vehicles.check.mismatch', { registration });
      detail = t('vehicles.check.registeredAs', {
        registered: described(answer.registered_make, answer.registered_colour),
        recorded: described(checked!.make, checked!.colour),
      });
    } else if (answer.status === 'not_found') {
      message = t('vehicles.check.notFound', { registration });
    } else if (answer.status === 'not_checked') {
      message = t('vehicles.check.notChecked', { registration });
      act = false;
    }
  }
  return (
    <div class="vehicle-check" role="status" aria-live="polite">
      {message && (
        <div class={act ? 'notice notice--pending' : 'notice'}>
          <p>{message}</p>
          {detail && <p>{detail}</p>}
          {act && <p>{t('vehicles.check.whatToDo')}</p>}
        </div>
      )}
    </div>
  );
}
