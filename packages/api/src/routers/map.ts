import { mapView, verbRoles } from "@pathways/core";
import { MapInput } from "@pathways/validators";
import { procedureFor, router } from "../trpc.ts";

export const mapRouter = router({
  /** Where the map's background comes from (the server's PATHWAYS_MAP_TILES); null: no tiles. */
  tiles: procedureFor(verbRoles.signedIn).query(({ ctx }) => ctx.mapTiles ?? null),
  /** Hotspot areas and the layers the reader may see; commissioners get protected counts only. */
  layers: procedureFor(verbRoles.signedIn)
    .input(MapInput)
    .query(({ ctx, input }) => mapView({ ctx, input })),
});
