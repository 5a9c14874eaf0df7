// The directory's map. The list next to it is the text alternative: it shows
// the same schemes in the same order.

import L from 'leaflet';
import { useEffect, useRef } from 'preact/hooks';
import type { SchemeSummary } from '../api/schemas';
import type { Config } from '../session';
import { createMap, fitTo, schemeLayer } from './mapLayers';
import { t } from '../i18n';

export interface SearchPoint {
  lat: number;
  lon: number;
  radius_m: number;
}

export function SchemeMap({
  config,
  schemes,
  point,
}: {
  config: Config;
  schemes: SchemeSummary[];
  point: SearchPoint | null;
}) {
  const element = useRef<HTMLDivElement>(null);
  const map = useRef<L.Map | null>(null);
  const overlays = useRef<L.FeatureGroup | null>(null);

  useEffect(() => {
    if (!element.current) return;
    map.current = createMap(element.current, config);
    overlays.current = L.featureGroup().addTo(map.current);
    return () => {
      map.current?.remove();
      map.current = null;
    };
  }, [config]);

  useEffect(() => {
    const group = overlays.current;
    if (!map.current || !group) return;
    group.clearLayers();
    if (point) {
      L.circle([point.lat, point.lon], {
        radius: point.radius_m,
        color: '#111111',
        weight: 2,
        dashArray: '6 6',
        fill: false,
        interactive: false,
      }).addTo(group);
      L.circleMarker([point.lat, point.lon], {
        radius: 6,
        color: '#111111',
        fillColor: '#ffffff',
        fillOpacity: 1,
        weight: 3,
      })
        .bindPopup(t('maps.searchCentre'))
        .addTo(group);
    }
    for (const scheme of schemes) schemeLayer(scheme, true)?.addTo(group);
    fitTo(map.current, group);
  }, [schemes, point]);

  return (
    <div class="map-frame">
      <div ref={element} class="map map--directory" aria-label={t('maps.directoryLabel')} role="region" />
      <p class="map-caption">
        {t('maps.directoryCaption')}
      </p>
    </div>
  );
}
