import { formatRegistration } from '../format';

/** A registration as it reads on a plate; masked ones ("AB12 ***") are shown as given. */
export function RegistrationPlate({ registration }: { registration: string }) {
  if (!registration) return <span class="plate plate--none">Removed after the retention period</span>;
  return <span class="plate">{registration.includes('*') ? registration : formatRegistration(registration)}</span>;
}
