import { useQuery } from "@tanstack/react-query";
import { lazy, Suspense } from "react";
import { Redirect, Route, Switch, useLocation } from "wouter";
import { OutboxSync } from "./components/OutboxSync.tsx";
import { Shell } from "./components/Shell.tsx";
import { ErrorNotice, Loading } from "./components/ui.tsx";
import { isPublicPath } from "./lib/community.ts";
import { useOfflineUser } from "./lib/offline-shell.ts";
import { homePath, mayVisit } from "./lib/session.ts";
import { describeError, useTRPC } from "./lib/trpc.ts";
import { AdminPage } from "./pages/AdminPage.tsx";
import { AuditLogPage } from "./pages/AuditLogPage.tsx";
import { CaseloadPage } from "./pages/caseload/CaseloadPage.tsx";
import { WaitingListPage } from "./pages/caseload/WaitingListPage.tsx";
import { PublicPages } from "./pages/community/PublicPages.tsx";
import { TriagePage } from "./pages/community/TriagePage.tsx";
import { TriageReportPage } from "./pages/community/TriageReportPage.tsx";
import { ForbiddenPage, NotFoundPage } from "./pages/ErrorPages.tsx";
import { EpisodePage } from "./pages/episodes/EpisodePage.tsx";
import { HotspotsPage } from "./pages/HotspotsPage.tsx";
import { LogContactPage } from "./pages/outreach/LogContactPage.tsx";
import { NeedleFindsPage } from "./pages/outreach/NeedleFindsPage.tsx";
import { PeoplePage } from "./pages/outreach/PeoplePage.tsx";
import { PersonPage } from "./pages/outreach/PersonPage.tsx";
import { RecentContactsPage } from "./pages/outreach/RecentContactsPage.tsx";
import { MyReferralsPage } from "./pages/referrals/MyReferralsPage.tsx";
import { NewReferralPage } from "./pages/referrals/NewReferralPage.tsx";
import { SignInPage } from "./pages/SignInPage.tsx";

// Loaded when first opened: its charting library stays out of the first screen everyone loads.
const ReportsPage = lazy(() => import("./pages/reports/ReportsPage.tsx"));

export function App() {
  const trpc = useTRPC();
  const me = useQuery(trpc.auth.me.queryOptions());
  const [location] = useLocation();

  // With no signal the last confirmed user carries on, so a worker can keep logging contacts offline.
  const offlineUser = useOfflineUser(me);
  const user = me.data ?? offlineUser;

  // Residents report and follow their reports without an account: these pages come before sign-in.
  if (isPublicPath(location)) return <PublicPages />;
  if (me.isPending) return <Loading label="Opening Pathways…" />;
  if (!user) {
    return me.isError ? (
      <ErrorNotice message={describeError(me.error).message} onRetry={() => me.refetch()} />
    ) : (
      <SignInPage />
    );
  }

  return (
    <Shell user={user}>
      {user.role === "outreach_worker" && <OutboxSync userId={user.userId} />}
      {mayVisit(user.role, location) ? (
        <Switch>
          <Route path="/">
            <Redirect to={homePath(user.role)} replace />
          </Route>
          <Route path="/hotspots">
            <HotspotsPage user={user} />
          </Route>
          <Route path="/outreach">
            <LogContactPage user={user} />
          </Route>
          <Route path="/outreach/recent">
            <RecentContactsPage user={user} />
          </Route>
          <Route path="/outreach/needles">
            <NeedleFindsPage user={user} />
          </Route>
          <Route path="/people">
            <PeoplePage user={user} />
          </Route>
          <Route path="/people/:id">
            {(params) => <PersonPage key={params.id} user={user} id={params.id} />}
          </Route>
          <Route path="/caseload">
            <CaseloadPage />
          </Route>
          <Route path="/caseload/waiting">
            <WaitingListPage />
          </Route>
          <Route path="/episodes/:id">
            {(params) =>
              user.role === "treatment_manager" ? (
                <EpisodePage key={params.id} episodeId={params.id} />
              ) : (
                <ForbiddenPage />
              )
            }
          </Route>
          <Route path="/referrals/new">
            {user.role === "outreach_worker" || user.role === "treatment_manager" ? (
              <NewReferralPage user={user} />
            ) : (
              <ForbiddenPage />
            )}
          </Route>
          <Route path="/referrals/mine">
            <MyReferralsPage />
          </Route>
          <Route path="/reports/:kind?">
            {(params) => (
              <Suspense fallback={<Loading label="Opening reports…" />}>
                <ReportsPage user={user} kind={params.kind} />
              </Suspense>
            )}
          </Route>
          <Route path="/triage/:id">{(params) => <TriageReportPage id={params.id} />}</Route>
          <Route path="/triage">
            <TriagePage />
          </Route>
          <Route path="/admin/audit">
            <AuditLogPage />
          </Route>
          <Route path="/admin">
            <AdminPage />
          </Route>
          <Route>
            <NotFoundPage />
          </Route>
        </Switch>
      ) : (
        <ForbiddenPage />
      )}
    </Shell>
  );
}
