import { listMyRecentContacts, listPersonContacts, logContact } from "@pathways/core";
import { ContactInput, PageInput, PersonContactsInput } from "@pathways/validators";
import { procedureFor, router } from "../trpc.ts";

export const contactsRouter = router({
  /** Idempotent on `clientKey`: the offline queue resends freely. */
  log: procedureFor("outreach_worker")
    .input(ContactInput)
    .mutation(({ ctx, input }) => logContact({ ctx, input })),
  mine: procedureFor("outreach_worker")
    .input(PageInput)
    .query(({ ctx, input }) => listMyRecentContacts({ ctx, input })),
  forPerson: procedureFor("outreach_worker", "treatment_manager", "admin")
    .input(PersonContactsInput)
    .query(({ ctx, input }) => listPersonContacts({ ctx, input })),
});
