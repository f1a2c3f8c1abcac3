import { listMyRecentContacts, listPersonContacts, logContact, verbRoles } from "@pathways/core";
import { ContactInput, PageInput, PersonContactsInput } from "@pathways/validators";
import { procedureFor, router } from "../trpc.ts";

export const contactsRouter = router({
  /** Idempotent on `clientKey`: the offline queue resends freely. */
  log: procedureFor(verbRoles.logOutreach)
    .input(ContactInput)
    .mutation(({ ctx, input }) => logContact({ ctx, input })),
  mine: procedureFor(verbRoles.logOutreach)
    .input(PageInput)
    .query(({ ctx, input }) => listMyRecentContacts({ ctx, input })),
  forPerson: procedureFor(verbRoles.readPeople)
    .input(PersonContactsInput)
    .query(({ ctx, input }) => listPersonContacts({ ctx, input })),
});
