// The sites on a map. The list beside it is the text alternative: the same sites in the
// same order, with everything the map shows.

import L from 'leaflet';
import { useEffect, useRef } from 'preact/hooks';
import { SITE_STATUS_LABELS } from '../format';
import type { Config, Site, SiteStatus } from '../types';
import { createMap, fitTo } from './mapLayers';

const STATUS_COLOURS: Record<SiteStatus, string> = {
  approved: '#0c5e2a',
  proposed: '#5b2a86',
  rejected: '#a3160d',
  suspended: '#a3160d',
};

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function SiteMap({ config, sites }: { config: Config; sites: Site[] }) {
  const element = useRef<HTMLDivElement>(null);
  const map = useRef<L.Map | null>(null);
  const markers = useRef<L.FeatureGroup | null>(null);

  useEffect(() => {
    if (!element.current) return;
    map.current = createMap(element.current, config, { dragging: !L.Browser.mobile });
    markers.current = L.featureGroup().addTo(map.current);
    return () => {
      map.current?.remove();
      map.current = null;
    };
  }, [config]);

  useEffect(() => {
    const group = markers.current;
    if (!map.current || !group) return;
    group.clearLayers();
    for (const site of sites) {
      const colour = STATUS_COLOURS[site.status] ?? '#333333';
      L.circleMarker([site.lat, site.lon], {
        radius: 10,
        color: '#111111',
        weight: 2,
        fillColor: colour,
        fillOpacity: 0.9,
      })
        .bindPopup(
          `<strong>${escapeHtml(site.name)}</strong><br>${escapeHtml(site.road_name)}, ${site.speed_limit_mph} mph<br>${escapeHtml(
            SITE_STATUS_LABELS[site.status] ?? site.status,
          )}`,
        )
        .addTo(group);
    }
    fitTo(map.current, group, 16);
  }, [sites]);

  return (
    <div class="map-frame">
      <div ref={element} class="map map--small" role="region" aria-label="Map of the sites listed below" />
      <p class="map-caption">
        Green: approved. Purple: waiting for approval. Red: rejected or suspended. Tap a dot for its name.
      </p>
    </div>
  );
}
