// "/schemes/new" — propose a scheme; a police liaison reviews it before it
// appears in the directory.

import { api } from '../api';
import { Loading } from '../components/Loading';
import { RequireSignIn } from '../components/RequireSignIn';
import { SchemeForm, toSchemeInput, type SchemeFormValues } from '../components/SchemeForm';
import { useTitle } from '../hooks';
import { useSession } from '../session';
import type { Me } from '../api/schemas';
import { t } from '../i18n';

export function ProposeSchemeScreen() {
  useTitle(t('proposeScheme.title'));
  return (
    <section class="narrow">
      <h1 tabIndex={-1}>{t('proposeScheme.title')}</h1>
      <p>{t('proposeScheme.intro')}</p>
      <RequireSignIn>{(me) => <ProposeForm me={me} />}</RequireSignIn>
    </section>
  );
}

function ProposeForm({ me }: { me: Me }) {
  const { config, goWithMessage, refreshMe } = useSession();
  if (!config) return <Loading />;
  const initial: SchemeFormValues = {
    name: '',
    kind: '',
    force: me.liaison?.force ?? '',
    description: '',
    point: null,
    radius: '500',
    contact_name: me.name,
    contact_email: me.email,
    contact_phone: me.phone ?? '',
    show_contact_email: false,
    show_contact_phone: false,
  };
  return (
    <SchemeForm
      config={config}
      initial={initial}
      submitLabel={t('proposeScheme.submit')}
      forceFromLocation
      onSubmit={async (values) => {
        const created = await api.proposeScheme(toSchemeInput(values));
        // The proposer may now coordinate the scheme, which changes the menu.
        refreshMe();
        goWithMessage(
          `/schemes/${created.id}`,
          t('proposeScheme.done'),
        );
      }}
    />
  );
}
