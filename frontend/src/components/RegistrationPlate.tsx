import { formatRegistration } from '../format';
import { t } from '../i18n';

/** A registration as it reads on a plate; masked ones ("AB12 ***") are shown as given. */
export function RegistrationPlate({ registration }: { registration: string }) {
  if (!registration) return <span class="plate plate--none">{t('registrationPlate.removed')}</span>;
  return <span class="plate">{registration.includes('*') ? registration : formatRegistration(registration)}</span>;
}
