import type { RouterOutputs } from "@pathways/api";
import { reportsFor } from "@pathways/validators";
import type { OrganisationKind, Role } from "@pathways/validators/codes";

export type SignedInUser = NonNullable<RouterOutputs["auth"]["me"]>;

export interface NavItem {
  href: string;
  label: string;
  roles: readonly Role[];
  /** Shown to these roles too when `when` holds for the user; never their home. */
  alsoFor?: { roles: readonly Role[]; when: (user: NavUser) => boolean };
}
type NavUser = { role: Role; organisationKind: OrganisationKind };

/** The areas of the app and who may use each: the navigation shows a user only their own. */
export const navItems: NavItem[] = [
  { href: "/outreach", label: "Outreach", roles: ["outreach_worker"] },
  { href: "/referrals/mine", label: "My referrals", roles: ["outreach_worker"] },
  { href: "/caseload", label: "Caseload", roles: ["treatment_manager"] },
  {
    href: "/reports",
    label: "Reports",
    roles: ["commissioner", "treatment_manager"],
    // A taskforce's outreach workers and admins run the taskforce report; a council's workers none.
    alsoFor: {
      roles: ["outreach_worker", "admin"],
      when: (user) => reportsFor(user.role, user.organisationKind).length > 0,
    },
  },
  {
    href: "/hotspots",
    label: "Hotspots",
    roles: ["outreach_worker", "treatment_manager", "commissioner", "admin"],
  },
  // Hotspot evidence: place-level and exact, so staff who choose where to work, never commissioners.
  { href: "/evidence", label: "Evidence", roles: ["outreach_worker", "admin"] },
  { href: "/map", label: "Map", roles: ["outreach_worker", "treatment_manager", "commissioner", "admin"] },
  { href: "/triage", label: "Community reports", roles: ["outreach_worker", "admin"] },
  // Person-level records: commissioners never, even by a typed address.
  { href: "/people", label: "People", roles: ["outreach_worker", "treatment_manager", "admin"] },
  { href: "/deaths", label: "Deaths", roles: ["treatment_manager", "admin"] },
  { href: "/admin", label: "Admin", roles: ["admin"] },
];

/** The areas a signed-in user's navigation shows. */
export function navFor(user: NavUser): NavItem[] {
  return navItems.filter(
    (item) =>
      item.roles.includes(user.role) || (item.alsoFor?.roles.includes(user.role) && item.alsoFor.when(user)),
  );
}

export function homePath(role: Role): string {
  return navItems.find((item) => item.roles.includes(role))?.href ?? "/hotspots";
}

export function mayVisit(role: Role, path: string): boolean {
  const item = navItems.find((nav) => path === nav.href || path.startsWith(`${nav.href}/`));
  return item ? item.roles.includes(role) || (item.alsoFor?.roles.includes(role) ?? false) : true;
}

export const roleLabels: Record<Role, string> = {
  outreach_worker: "Outreach worker",
  treatment_manager: "Treatment manager",
  commissioner: "Commissioner",
  admin: "Administrator",
};
