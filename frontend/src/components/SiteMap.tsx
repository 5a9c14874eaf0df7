// The sites on a map. The list beside it is the text alternative: the same sites in the
// same order, with everything the map shows. A liaison can also decide on a site from its
// popup (approve or reject a proposal, say); the cards below offer the same buttons to
// keyboards and screen readers, which cannot reach the dots.

import L from 'leaflet';
import { createPortal } from 'preact/compat';
import { useEffect, useRef, useState } from 'preact/hooks';
import { useActionResult, type ActionResultState } from '../actionResult';
import { SITE_STATUS_LABELS } from '../format';
import type { Site, SiteStatus } from '../api/schemas';
import type { Config } from '../session';
import { ActionResult } from './ActionResult';
import { createMap, fitTo } from './mapLayers';
import { SiteDecision } from './SiteDecision';
import { formatNumber } from '../format';
import { t } from '../i18n';

const STATUS_COLOURS: Record<SiteStatus, string> = {
  approved: '#0c5e2a',
  proposed: '#5b2a86',
  rejected: '#a3160d',
  suspended: '#a3160d',
};

// A fixed width, so that a popup only grows upwards as its buttons open a reason form;
// narrow enough to sit beside the zoom buttons on a 360 px screen.
const POPUP_OPTIONS: L.PopupOptions = {
  minWidth: 200,
  maxWidth: 200,
  // Scrolls beyond this: the map (.map-frame--decide) is 400 px high.
  maxHeight: 330,
  autoPanPaddingTopLeft: [60, 10],
  autoPanPaddingBottomRight: [10, 10],
};

interface OpenPopup {
  siteId: number;
  popup: L.Popup;
  element: HTMLElement;
}

export function SiteMap({
  config,
  sites,
  canDecide = false,
  onDecided,
}: {
  config: Config;
  sites: Site[];
  /** Offer the liaison's decisions in the popups. */
  canDecide?: boolean;
  onDecided?: (site: Site) => void;
}) {
  const element = useRef<HTMLDivElement>(null);
  const map = useRef<L.Map | null>(null);
  const markers = useRef<L.FeatureGroup | null>(null);
  const [open, setOpen] = useState<OpenPopup | null>(null);
  // Each dot by what it shows: a fresh copy of the same sites (a list refreshed from the
  // network after the saved one) leaves the dots, and an open popup, as they are.
  const dots = useRef(new Map<string, L.CircleMarker>());
  // A decision taken in a popup is said below the map: the popup goes with it.
  const decided = useActionResult();

  useEffect(() => {
    if (!element.current) return;
    map.current = createMap(element.current, config, { dragging: !L.Browser.mobile });
    markers.current = L.featureGroup().addTo(map.current);
    dots.current.clear();
    return () => {
      map.current?.remove();
      map.current = null;
    };
  }, [config]);

  useEffect(() => {
    const group = markers.current;
    if (!map.current || !group) return;
    const wanted = new Map(sites.map((site) => [`${site.id}:${site.status}:${site.lat}:${site.lon}`, site]));
    let changed = false;
    for (const [key, dot] of dots.current) {
      if (!wanted.has(key) || !group.hasLayer(dot)) {
        group.removeLayer(dot);
        dots.current.delete(key);
        changed = true;
      }
    }
    for (const [key, site] of wanted) {
      if (dots.current.has(key)) continue;
      // Filled in by Preact (below) while the popup is open.
      const content = document.createElement('div');
      content.className = 'site-popup';
      // A click in the popup is not a click on the map, which would close it. Leaflet
      // checks that by walking up from the clicked element, which fails when the click
      // has just replaced that element (Reject opening the reason form): stop it here.
      L.DomEvent.on(content, 'click', L.DomEvent.stopPropagation);
      const dot = L.circleMarker([site.lat, site.lon], {
        radius: 10,
        color: '#111111',
        weight: 2,
        fillColor: STATUS_COLOURS[site.status] ?? '#333333',
        fillOpacity: 0.9,
        className: `site-marker site-marker--${site.status}`,
      })
        .bindPopup(content, POPUP_OPTIONS)
        .on('popupopen', (event) => setOpen({ siteId: site.id, popup: event.popup, element: content }))
        .on('popupclose', () => setOpen((old) => (old?.element === content ? null : old)))
        .addTo(group);
      dots.current.set(key, dot);
      changed = true;
    }
    if (changed) fitTo(map.current, group, 16);
  }, [sites, config]);

  // Who may decide is known a moment after the map is drawn, and makes it taller.
  useEffect(() => {
    if (!map.current || !markers.current) return;
    map.current.invalidateSize();
    fitTo(map.current, markers.current, 16);
  }, [canDecide]);

  const openSite = open ? sites.find((site) => site.id === open.siteId) : undefined;
  return (
    // The height goes on the frame: Leaflet adds classes of its own to the map element,
    // which Preact would wipe on changing its class.
    <div class={`map-frame${canDecide ? ' map-frame--decide' : ''}`}>
      <div ref={element} class="map map--small" role="region" aria-label={t('siteMap.label')} />
      <p class="map-caption">
        {t('siteMap.key')}{' '}
        {canDecide ? t('siteMap.tapToDecide') : t('siteMap.tapForName')}
      </p>
      <ActionResult result={decided} />
      {open &&
        openSite &&
        createPortal(
          <SitePopup
            site={openSite}
            popup={open.popup}
            element={open.element}
            canDecide={canDecide}
            result={decided}
            onDecided={(site) => {
              // The popup goes with the old dots: keep focus on the map, not lost.
              map.current?.getContainer().focus({ preventScroll: true });
              onDecided?.(site);
            }}
          />,
          open.element,
        )}
    </div>
  );
}

function SitePopup({
  site,
  popup,
  element,
  canDecide,
  result,
  onDecided,
}: {
  site: Site;
  popup: L.Popup;
  element: HTMLElement;
  canDecide: boolean;
  result: ActionResultState;
  onDecided: (site: Site) => void;
}) {
  useRefit(popup, element);
  return (
    <>
      <p class="site-popup__name">{site.name}</p>
      <div class="site-popup__facts">
        <p>
          {t('siteMap.roadAndLimit', { road: site.road_name, limit: formatNumber(site.speed_limit_mph) })}
        </p>
        <p>{SITE_STATUS_LABELS[site.status] ?? site.status_display}</p>
      </div>
      {canDecide && site.actions.decide && <SiteDecision site={site} result={result} onDecided={onDecided} />}
      <div class="site-popup__link">
        <a href={`/speedwatch/sites/${site.id}`}>{t('siteMap.open')}</a>
      </div>
    </>
  );
}

/**
 * Leaflet sizes and pans to a popup when it opens, before Preact has filled it in; this
 * does it again whenever the content changes size (the reason form opening, say).
 * Leaflet re-attaches the content to do so, which drops focus: it is put back.
 */
function useRefit(popup: L.Popup, element: HTMLElement): void {
  useEffect(() => {
    const observer = new ResizeObserver(() => {
      const focused = document.activeElement;
      popup.update();
      if (focused instanceof HTMLElement && element.contains(focused) && document.activeElement !== focused) {
        focused.focus({ preventScroll: true });
      }
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, [popup, element]);
}
