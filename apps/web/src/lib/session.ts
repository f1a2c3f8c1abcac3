import type { RouterOutputs } from "@pathways/api";
import type { Role } from "@pathways/validators/codes";

export type SignedInUser = NonNullable<RouterOutputs["auth"]["me"]>;

export interface NavItem {
  href: string;
  label: string;
  roles: readonly Role[];
}

/** The areas of the app and who may use each: the navigation shows a user only their own. */
export const navItems: NavItem[] = [
  { href: "/outreach", label: "Outreach", roles: ["outreach_worker"] },
  { href: "/referrals/mine", label: "My referrals", roles: ["outreach_worker"] },
  { href: "/caseload", label: "Caseload", roles: ["treatment_manager"] },
  { href: "/reports", label: "Reports", roles: ["commissioner", "treatment_manager"] },
  {
    href: "/hotspots",
    label: "Hotspots",
    roles: ["outreach_worker", "treatment_manager", "commissioner", "admin"],
  },
  { href: "/triage", label: "Community reports", roles: ["outreach_worker", "admin"] },
  // Person-level records: commissioners never, even by a typed address.
  { href: "/people", label: "People", roles: ["outreach_worker", "treatment_manager", "admin"] },
  { href: "/admin", label: "Admin", roles: ["admin"] },
];

export function homePath(role: Role): string {
  return navItems.find((item) => item.roles.includes(role))?.href ?? "/hotspots";
}

export function mayVisit(role: Role, path: string): boolean {
  const item = navItems.find((nav) => path === nav.href || path.startsWith(`${nav.href}/`));
  return item ? item.roles.includes(role) : true;
}

export const roleLabels: Record<Role, string> = {
  outreach_worker: "Outreach worker",
  treatment_manager: "Treatment manager",
  commissioner: "Commissioner",
  admin: "Administrator",
};
