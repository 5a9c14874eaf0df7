// A small map of one site: a dot where the volunteers stand.

import L from 'leaflet';
import { useEffect, useRef } from 'preact/hooks';
import type { Site } from '../api/schemas';
import type { Config } from '../session';
import { createMap } from './mapLayers';
import { t } from '../i18n';

export function SitePlaceMap({ config, site }: { config: Config; site: Site }) {
  const element = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!element.current) return;
    // One-finger dragging would trap the page scroll on a phone.
    const map = createMap(element.current, config, { dragging: !L.Browser.mobile });
    L.circleMarker([site.lat, site.lon], {
      radius: 10,
      color: '#111111',
      weight: 2,
      fillColor: '#b45309',
      fillOpacity: 0.9,
      interactive: false,
    }).addTo(map);
    map.setView([site.lat, site.lon], 16, { animate: false });
    return () => map.remove();
  }, [config, site.id, site.lat, site.lon]);

  return (
    <div ref={element} class="map map--small" role="region" aria-label={t('siteMap.mapOf', { name: site.name, road: site.road_name })} />
  );
}
