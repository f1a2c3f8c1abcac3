/** A point on the Earth in degrees, as hotspots and the phone's location give it. */
export interface Point {
  lat: number;
  lng: number;
}

const earthRadiusMetres = 6_371_008.8;
const radians = (degrees: number) => (degrees * Math.PI) / 180;

/** Great-circle (haversine) distance in metres: within a city the error is far below a street's width. */
export function metresBetween(a: Point, b: Point): number {
  const dLat = radians(b.lat - a.lat);
  const dLng = radians(b.lng - a.lng);
  const h =
    Math.sin(dLat / 2) ** 2 + Math.cos(radians(a.lat)) * Math.cos(radians(b.lat)) * Math.sin(dLng / 2) ** 2;
  return 2 * earthRadiusMetres * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** The hotspot whose centre is nearest `here`, with its distance; none when the list is empty. */
export function nearestHotspot<T extends Point>(here: Point, hotspots: readonly T[]) {
  let nearest: { hotspot: T; metres: number } | null = null;
  for (const hotspot of hotspots) {
    const metres = metresBetween(here, hotspot);
    if (!nearest || metres < nearest.metres) nearest = { hotspot, metres };
  }
  return nearest;
}

/** "about 150 m" or "about 2.3 km": what a worker needs to judge whether it is the place they are at. */
export function roughDistance(metres: number): string {
  if (metres < 1000) return `about ${Math.max(10, Math.round(metres / 10) * 10)} m`;
  return `about ${(metres / 1000).toFixed(1)} km`;
}
