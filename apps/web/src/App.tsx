import { useQuery, useQueryClient } from "@tanstack/react-query";
import { Component, type ComponentType, lazy, type ReactNode, Suspense, useEffect } from "react";
import { Redirect, Route, Switch, useLocation } from "wouter";
import { OutboxSync } from "./components/OutboxSync.tsx";
import { Shell } from "./components/Shell.tsx";
import { ErrorNotice, Loading } from "./components/ui.tsx";
import { isPublicPath } from "./lib/community.ts";
import { isConnectionFailure, useOfflineUser } from "./lib/offline-shell.ts";
import { homePath, mayVisit } from "./lib/session.ts";
import { endPendingServerSession, useSignOutPending } from "./lib/sign-out.ts";
import { describeError, useTRPC, useTRPCClient } from "./lib/trpc.ts";
import { ForbiddenPage, NotFoundPage } from "./pages/ErrorPages.tsx";
import { LogContactPage } from "./pages/outreach/LogContactPage.tsx";
import { SignInPage } from "./pages/SignInPage.tsx";

/**
 * A page loaded when it is first opened. The first screen (signing in, then logging a contact) loads
 * only its own code; the service worker stores every page's code for opening them with no signal.
 */
function page<Name extends string, Props>(
  load: () => Promise<Record<Name, ComponentType<Props>>>,
  name: Name,
) {
  return lazy(() => load().then((module) => ({ default: module[name] })));
}

/**
 * A page whose code could not be fetched (no signal before the service worker stored it, or a new
 * version replaced it on the server) says so, instead of leaving the screen empty.
 */
class PageBoundary extends Component<{ location: string; children: ReactNode }, { failedAt: string | null }> {
  override state: { failedAt: string | null } = { failedAt: null };
  static getDerivedStateFromError() {
    return { failedAt: window.location.pathname };
  }
  override render() {
    // Going to another page tries again.
    return this.state.failedAt === this.props.location ? (
      <ErrorNotice message="This page could not be opened." onRetry={() => window.location.reload()} />
    ) : (
      this.props.children
    );
  }
}

const AdminPage = page(() => import("./pages/AdminPage.tsx"), "AdminPage");
const AuditLogPage = page(() => import("./pages/AuditLogPage.tsx"), "AuditLogPage");
const SharesWithoutConsentPage = page(
  () => import("./pages/SharesWithoutConsentPage.tsx"),
  "SharesWithoutConsentPage",
);
const CaseloadPage = page(() => import("./pages/caseload/CaseloadPage.tsx"), "CaseloadPage");
const WaitingListPage = page(() => import("./pages/caseload/WaitingListPage.tsx"), "WaitingListPage");
const PublicPages = page(() => import("./pages/community/PublicPages.tsx"), "PublicPages");
const TriagePage = page(() => import("./pages/community/TriagePage.tsx"), "TriagePage");
const TriageReportPage = page(() => import("./pages/community/TriageReportPage.tsx"), "TriageReportPage");
const EpisodePage = page(() => import("./pages/episodes/EpisodePage.tsx"), "EpisodePage");
const HotspotsPage = page(() => import("./pages/HotspotsPage.tsx"), "HotspotsPage");
const EvidencePage = page(() => import("./pages/evidence/EvidencePage.tsx"), "EvidencePage");
const MapPage = page(() => import("./pages/map/MapPage.tsx"), "MapPage");
const NeedleFindsPage = page(() => import("./pages/outreach/NeedleFindsPage.tsx"), "NeedleFindsPage");
const DeathsPage = page(() => import("./pages/deaths/DeathsPage.tsx"), "DeathsPage");
const TaskforceLogPage = page(() => import("./pages/taskforce/TaskforceLogPage.tsx"), "TaskforceLogPage");
const PeoplePage = page(() => import("./pages/outreach/PeoplePage.tsx"), "PeoplePage");
const SearchPage = page(() => import("./pages/SearchPage.tsx"), "SearchPage");
const PersonPage = page(() => import("./pages/outreach/PersonPage.tsx"), "PersonPage");
const RecentContactsPage = page(
  () => import("./pages/outreach/RecentContactsPage.tsx"),
  "RecentContactsPage",
);
const MyReferralsPage = page(() => import("./pages/referrals/MyReferralsPage.tsx"), "MyReferralsPage");
const NewReferralPage = page(() => import("./pages/referrals/NewReferralPage.tsx"), "NewReferralPage");
const ReportsPage = lazy(() => import("./pages/reports/ReportsPage.tsx"));

/**
 * While a sign-out made with no signal has not reached the server, tries again when the app opens,
 * when the browser is back online and every 30 seconds, then asks who is signed in (nobody).
 */
function useEndPendingSession(pending: boolean) {
  const client = useTRPCClient();
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  useEffect(() => {
    if (!pending) return;
    const attempt = () =>
      void endPendingServerSession(client).then((ended) => {
        if (ended) void queryClient.resetQueries({ queryKey: trpc.auth.me.queryKey() });
      });
    attempt();
    window.addEventListener("online", attempt);
    const timer = setInterval(attempt, 30_000);
    return () => {
      window.removeEventListener("online", attempt);
      clearInterval(timer);
    };
  }, [pending, client, trpc, queryClient]);
}

export function App() {
  const trpc = useTRPC();
  const signOutPending = useSignOutPending();
  const me = useQuery({ ...trpc.auth.me.queryOptions(), enabled: !signOutPending });
  const [location] = useLocation();
  useEndPendingSession(signOutPending);

  // With no signal the last confirmed user carries on, so a worker can keep logging contacts offline.
  const offlineUser = useOfflineUser(me);
  const user = me.data ?? offlineUser;

  // Residents report and follow their reports without an account: these pages come before sign-in.
  if (isPublicPath(location)) {
    return (
      <PageBoundary location={location}>
        <Suspense fallback={<Loading label="Opening…" />}>
          <PublicPages />
        </Suspense>
      </PageBoundary>
    );
  }
  // Signed out on this phone: the old session cookie, until the server has ended it, counts for nothing.
  if (signOutPending) return <SignInPage />;
  if (me.isPending) return <Loading label="Opening Pathways…" />;
  if (!user) {
    return me.isError && !isConnectionFailure(me.error) ? (
      <ErrorNotice {...describeError(me.error)} onRetry={() => me.refetch()} />
    ) : (
      <SignInPage noConnection={me.isError} onRetry={() => me.refetch()} />
    );
  }

  return (
    <Shell user={user}>
      {user.role === "outreach_worker" && <OutboxSync userId={user.userId} />}
      {mayVisit(user.role, location) ? (
        <PageBoundary location={location}>
          <Suspense fallback={<Loading label="Opening the page…" />}>
            <Switch>
              <Route path="/">
                <Redirect to={homePath(user.role)} replace />
              </Route>
              <Route path="/hotspots">
                <HotspotsPage user={user} />
              </Route>
              <Route path="/evidence">
                <EvidencePage />
              </Route>
              <Route path="/map">
                <MapPage user={user} />
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
              <Route path="/taskforce">
                <TaskforceLogPage user={user} />
              </Route>
              <Route path="/deaths">
                <DeathsPage />
              </Route>
              <Route path="/people">
                <PeoplePage user={user} />
              </Route>
              <Route path="/search">
                <SearchPage />
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
                {(params) => <ReportsPage user={user} kind={params.kind} />}
              </Route>
              <Route path="/triage/:id">{(params) => <TriageReportPage id={params.id} />}</Route>
              <Route path="/triage">
                <TriagePage />
              </Route>
              <Route path="/admin/audit">
                <AuditLogPage />
              </Route>
              <Route path="/admin/shares">
                <SharesWithoutConsentPage />
              </Route>
              <Route path="/admin">
                <AdminPage />
              </Route>
              <Route>
                <NotFoundPage />
              </Route>
            </Switch>
          </Suspense>
        </PageBoundary>
      ) : (
        <ForbiddenPage />
      )}
    </Shell>
  );
}
