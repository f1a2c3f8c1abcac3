import { z } from "zod";
import { Id, Latitude, Longitude, text } from "./common.ts";

export const HotspotInput = z.object({
  name: text("name", 80),
  lat: Latitude,
  lng: Longitude,
});
export type HotspotInput = z.infer<typeof HotspotInput>;

export const HotspotUpdate = HotspotInput.partial().extend({
  id: Id,
  active: z.boolean().optional(),
});
export type HotspotUpdate = z.infer<typeof HotspotUpdate>;

export const HotspotListInput = z
  .object({ includeRetired: z.boolean().default(false) })
  .default({ includeRetired: false });
export type HotspotListInput = z.infer<typeof HotspotListInput>;
