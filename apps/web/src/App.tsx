import { useQuery } from "@tanstack/react-query";
import { Redirect, Route, Switch, useLocation } from "wouter";
import { OutboxSync } from "./components/OutboxSync.tsx";
import { Shell } from "./components/Shell.tsx";
import { ErrorNotice, Loading } from "./components/ui.tsx";
import { homePath, mayVisit } from "./lib/session.ts";
import { describeError, useTRPC } from "./lib/trpc.ts";
import { AdminPage } from "./pages/AdminPage.tsx";
import { AuditLogPage } from "./pages/AuditLogPage.tsx";
import { ComingSoonPage } from "./pages/ComingSoonPage.tsx";
import { ForbiddenPage, NotFoundPage } from "./pages/ErrorPages.tsx";
import { HotspotsPage } from "./pages/HotspotsPage.tsx";
import { LogContactPage } from "./pages/outreach/LogContactPage.tsx";
import { NeedleFindsPage } from "./pages/outreach/NeedleFindsPage.tsx";
import { PeoplePage } from "./pages/outreach/PeoplePage.tsx";
import { PersonPage } from "./pages/outreach/PersonPage.tsx";
import { RecentContactsPage } from "./pages/outreach/RecentContactsPage.tsx";
import { SignInPage } from "./pages/SignInPage.tsx";

export function App() {
  const trpc = useTRPC();
  const me = useQuery(trpc.auth.me.queryOptions());
  const [location] = useLocation();

  if (me.isPending) return <Loading label="Opening Pathways…" />;
  if (me.isError)
    return <ErrorNotice message={describeError(me.error).message} onRetry={() => me.refetch()} />;
  if (!me.data) return <SignInPage />;

  const user = me.data;
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
            <ComingSoonPage title="Caseload" what="Referrals, the waiting list and keyworkers' caseloads" />
          </Route>
          <Route path="/reports">
            <ComingSoonPage title="Reports" what="The outreach-to-recovery funnel and outcome reports" />
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
