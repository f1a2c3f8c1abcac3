import { mapView, verbRoles } from "@pathways/core";
import { MapInput } from "@pathways/validators";
import { procedureFor, publicProcedure, router } from "../trpc.ts";

export const mapRouter = router({
  /**
   * Where the map's background comes from (the server's PATHWAYS_MAP_TILES); null: no tiles. Public:
   * the resident's report form has a map too, and every response's Content-Security-Policy already
   * names the tile server.
   */
  tiles: publicProcedure.query(({ ctx }) => ctx.mapTiles ?? null),
  /** Hotspot areas and the layers the reader may see; commissioners get protected counts only. */
  layers: procedureFor(verbRoles.signedIn)
    .input(MapInput)
    .query(({ ctx, input }) => mapView({ ctx, input })),
});
