// "/speedwatch" — the way into Community Speedwatch: coordinators start sessions and
// propose sites; liaisons review sites, work the letters queue and read the statistics;
// volunteers see their scheme's sessions.

import { useEffect, useState } from 'preact/hooks';
import { api } from '../api';
import { DraftList } from '../components/DraftList';
import { Loading } from '../components/Loading';
import { RequireSignIn } from '../components/RequireSignIn';
import { plural } from '../format';
import { useTitle } from '../hooks';
import { useSpeedwatchAccess } from '../speedwatchAccess';
import type { Me } from '../api/schemas';

export function SpeedwatchScreen() {
  useTitle('Speedwatch');
  return (
    <>
      <h1 tabIndex={-1}>Speedwatch</h1>
      <RequireSignIn>{(me) => <Hub me={me} />}</RequireSignIn>
    </>
  );
}

function HubLink({ href, label, detail }: { href: string; label: string; detail?: string }) {
  return (
    <li>
      <a class="hub-link" href={href}>
        <span class="hub-link__label">{label}</span>
        {detail && <span class="hub-link__detail">{detail}</span>}
      </a>
    </li>
  );
}

/** How many of something the API lists, or null until known (or when it cannot say). */
function useCount(load: (() => Promise<{ count: number }>) | null): number | null {
  const [count, setCount] = useState<number | null>(null);
  useEffect(() => {
    if (!load) return;
    let live = true;
    load().then(
      (page) => live && setCount(page.count),
      () => live && setCount(null),
    );
    return () => {
      live = false;
    };
  }, [load !== null]);
  return count;
}

function Hub({ me }: { me: Me }) {
  const access = useSpeedwatchAccess();
  // What the server says this person may do: a police liaison reviews sites and letters.
  const { actions } = me;
  const liaison = actions.review_sites;
  const sitesToReview = useCount(actions.review_sites ? () => api.sites({ status: 'proposed' }) : null);
  const lettersWaiting = useCount(actions.work_letters ? () => api.letters({}) : null);

  if (!access) return <Loading />;
  const coordinated = access.coordinated;
  const memberOnly = access.memberships.filter((membership) => !coordinated.some((scheme) => scheme.id === membership.scheme.id));

  if (!actions.use_speedwatch) {
    return (
      <>
        <p>
          Community Speedwatch volunteers record speeding vehicles at police-approved roadside sites; the police write to
          the registered keepers.
        </p>
        <p>
          You are not in a speedwatch scheme yet. <a href="/?kind=speedwatch">Find one near you in the directory</a>.
        </p>
      </>
    );
  }

  return (
    <>
      {coordinated.length > 0 && (
        <section aria-labelledby="coordinator-heading">
          <h2 id="coordinator-heading">Your {coordinated.length === 1 ? 'scheme' : 'schemes'}</h2>
          <p>{coordinated.map((scheme) => scheme.name).join(', ')}</p>
          <p>
            <a class="button button--primary button--wide button--large" href="/speedwatch/sessions/new">
              Start a session
            </a>
          </p>
          <DraftList userId={me.id} headingLevel={3} />
          <ul class="hub-links">
            <HubLink href="/speedwatch/sessions" label="Sessions" detail="Logged and submitted sessions" />
            <HubLink href="/speedwatch/sites" label="Sites" detail="Approved sites and proposals" />
            <HubLink href="/speedwatch/sites/new" label="Propose a site" detail="For the police liaison to approve" />
            <HubLink href="/speedwatch/offences" label="Offences" detail="Search by registration" />
            {actions.read_statistics && (
              <HubLink href="/speedwatch/statistics" label="Statistics" detail="Totals and monthly charts" />
            )}
          </ul>
        </section>
      )}
      {liaison && (
        <section aria-labelledby="liaison-heading">
          <h2 id="liaison-heading">Police liaison</h2>
          <p>Speedwatch schemes in the {me.liaison?.force_name} area.</p>
          <ul class="hub-links">
            <HubLink
              href="/speedwatch/sites?status=proposed"
              label="Sites to review"
              detail={sitesToReview === null ? undefined : `${plural(sitesToReview, 'site')} waiting`}
            />
            {actions.work_letters && (
              <HubLink
                href="/speedwatch/letters"
                label="Letters"
                detail={lettersWaiting === null ? undefined : `${plural(lettersWaiting, 'letter')} waiting`}
              />
            )}
            <HubLink href="/speedwatch/sessions" label="Sessions" detail="Review what schemes submitted" />
            <HubLink href="/speedwatch/offences" label="Offences and disputes" detail="Search by registration" />
            {actions.read_statistics && (
              <HubLink href="/speedwatch/statistics" label="Statistics" detail="Totals and monthly charts" />
            )}
            <HubLink href="/speedwatch/sites" label="All sites" detail="Approve, suspend or reinstate" />
            {actions.read_audit && (
              <HubLink
                href="/speedwatch/audit"
                label="Registration audit"
                detail="Who searched or downloaded registrations"
              />
            )}
          </ul>
        </section>
      )}
      {memberOnly.length > 0 && coordinated.length === 0 && !liaison && (
        <section aria-labelledby="member-heading">
          <h2 id="member-heading">Your {memberOnly.length === 1 ? 'scheme' : 'schemes'}</h2>
          <p>{memberOnly.map((membership) => membership.scheme.name).join(', ')}</p>
          <ul class="hub-links">
            <HubLink href="/speedwatch/sessions" label="Sessions" detail="What your scheme has recorded" />
            <HubLink href="/speedwatch/sites" label="Sites" detail="Where your scheme stands" />
            {actions.read_statistics && (
              <HubLink href="/speedwatch/statistics" label="Statistics" detail="Totals and monthly charts" />
            )}
          </ul>
        </section>
      )}
    </>
  );
}
