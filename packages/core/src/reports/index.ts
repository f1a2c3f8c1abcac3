export { refreshDayRollups } from "./day-rollups.ts";
export { DisclosureControl } from "./disclosure.ts";
export { type RefreshResult, rebuildPersonRollups, refreshPersonRollups } from "./person-rollups.ts";
export { reportReader } from "./reader.ts";
export { type RollupRefresher, startRollupRefresher } from "./refresher.ts";
export { runReport } from "./registry.ts";
