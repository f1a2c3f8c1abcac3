import {
  acknowledgeCommunityReport,
  addCommunityReportNote,
  changeCommunityReportStatus,
  getCommunityReport,
  getReportByToken,
  linkCommunityReport,
  listCommunityReportLinkCandidates,
  listCommunityReports,
  listReportPlaces,
  markCommunityReportDuplicate,
  retryCommunityReportUpdate,
  submitCommunityReport,
  verbRoles,
} from "@pathways/core";
import {
  CommunityReportAcknowledgeInput,
  CommunityReportDuplicateInput,
  CommunityReportId,
  CommunityReportInput,
  CommunityReportLinkInput,
  CommunityReportListInput,
  CommunityReportNoteInput,
  CommunityReportRetryInput,
  CommunityReportStatusChange,
  CommunityReportTokenInput,
} from "@pathways/validators";
import { procedureFor, publicProcedure, router } from "../trpc.ts";

const triage = () => procedureFor(verbRoles.triage);

export const communityRouter = router({
  // Public: residents report and follow their report without an account.
  places: publicProcedure.query(({ ctx }) => listReportPlaces({ ctx, input: undefined })),
  submit: publicProcedure
    .input(CommunityReportInput)
    .mutation(({ ctx, input }) => submitCommunityReport({ ctx, input })),
  track: publicProcedure
    .input(CommunityReportTokenInput)
    .query(({ ctx, input }) => getReportByToken({ ctx, input })),

  // Taskforce staff triage.
  list: triage()
    .input(CommunityReportListInput)
    .query(({ ctx, input }) => listCommunityReports({ ctx, input })),
  get: triage()
    .input(CommunityReportId)
    .query(({ ctx, input }) => getCommunityReport({ ctx, input })),
  linkCandidates: triage()
    .input(CommunityReportId)
    .query(({ ctx, input }) => listCommunityReportLinkCandidates({ ctx, input })),
  acknowledge: triage()
    .input(CommunityReportAcknowledgeInput)
    .mutation(({ ctx, input }) => acknowledgeCommunityReport({ ctx, input })),
  changeStatus: triage()
    .input(CommunityReportStatusChange)
    .mutation(({ ctx, input }) => changeCommunityReportStatus({ ctx, input })),
  addNote: triage()
    .input(CommunityReportNoteInput)
    .mutation(({ ctx, input }) => addCommunityReportNote({ ctx, input })),
  markDuplicate: triage()
    .input(CommunityReportDuplicateInput)
    .mutation(({ ctx, input }) => markCommunityReportDuplicate({ ctx, input })),
  link: triage()
    .input(CommunityReportLinkInput)
    .mutation(({ ctx, input }) => linkCommunityReport({ ctx, input })),
  retryUpdate: triage()
    .input(CommunityReportRetryInput)
    .mutation(({ ctx, input }) => retryCommunityReportUpdate({ ctx, input })),
});
