import type { VerbArgs } from "../../src/context.ts";
import { type ReportScope, reportScope } from "../../src/reports/common.ts";
import { DisclosureControl } from "../../src/reports/disclosure.ts";

/**
 * A report as a commissioner's verb makes it (their scope: every provider, whole months, the role
 * checked) but with its figures exact, for the tests of what each figure counts. Disclosure control
 * itself is tested in disclosure*.test.ts; the verbs the API calls always build their own control.
 */
export function exactly<Input extends { from: string; to: string }, Report>(
  reportFor: (scope: ReportScope, args: VerbArgs<Input>) => Promise<Report>,
): (args: VerbArgs<Input>) => Promise<Report> {
  return (args) =>
    reportFor(
      {
        ...reportScope(args.ctx, ["commissioner"], args.input),
        disclosure: new DisclosureControl(false),
      },
      args,
    );
}
