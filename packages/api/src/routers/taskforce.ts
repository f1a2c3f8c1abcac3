import {
  createDayOfAction,
  createOperation,
  listActivity,
  listOperations,
  logActivity,
  verbRoles,
} from "@pathways/core";
import {
  ActivityListInput,
  DayOfActionInput,
  OperationInput,
  TaskforceActivityInput,
} from "@pathways/validators";
import { procedureFor, router } from "../trpc.ts";

export const taskforceRouter = router({
  /** Idempotent on `clientKey`, like contacts: an offline device may send the same record twice. */
  log: procedureFor(verbRoles.logTaskforce)
    .input(TaskforceActivityInput)
    .mutation(({ ctx, input }) => logActivity({ ctx, input })),
  list: procedureFor(verbRoles.readTaskforce)
    .input(ActivityListInput)
    .query(({ ctx, input }) => listActivity({ ctx, input })),
  createOperation: procedureFor(verbRoles.logTaskforce)
    .input(OperationInput)
    .mutation(({ ctx, input }) => createOperation({ ctx, input })),
  createDayOfAction: procedureFor(verbRoles.logTaskforce)
    .input(DayOfActionInput)
    .mutation(({ ctx, input }) => createDayOfAction({ ctx, input })),
  operations: procedureFor(verbRoles.readTaskforce).query(({ ctx }) =>
    listOperations({ ctx, input: undefined }),
  ),
});
