/** Staff triage of community reports, one verb family a file: the queue, one report, status changes, duplicates, links, retries. */
export {
  acknowledgeCommunityReport,
  addCommunityReportNote,
  changeCommunityReportStatus,
} from "./changes.ts";
export { getCommunityReport } from "./detail.ts";
export { markCommunityReportDuplicate } from "./duplicates.ts";
export { linkCommunityReport, listCommunityReportLinkCandidates } from "./links.ts";
export { listCommunityReports } from "./queue.ts";
export { retryCommunityReportUpdate } from "./retry.ts";
