// "/schemes/new" — propose a scheme; a police liaison reviews it before it
// appears in the directory.

import { api } from '../api';
import { Loading } from '../components/Loading';
import { RequireSignIn } from '../components/RequireSignIn';
import { SchemeForm, toSchemeInput, type SchemeFormValues } from '../components/SchemeForm';
import { useTitle } from '../hooks';
import { useSession } from '../session';
import type { Me } from '../api/schemas';

export function ProposeSchemeScreen() {
  useTitle('Propose a scheme');
  return (
    <section class="narrow">
      <h1 tabIndex={-1}>Propose a scheme</h1>
      <p>
        Tell us about the scheme you want to start. The police liaison for the area reviews every proposal before it
        appears in the directory. You will be its first coordinator.
      </p>
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
      submitLabel="Propose scheme"
      forceFromLocation
      onSubmit={async (values) => {
        const created = await api.proposeScheme(toSchemeInput(values));
        // The proposer may now coordinate the scheme, which changes the menu.
        refreshMe();
        goWithMessage(
          `/schemes/${created.id}`,
          'Thank you. Your scheme has been proposed and is waiting for the police liaison to review it.',
        );
      }}
    />
  );
}
