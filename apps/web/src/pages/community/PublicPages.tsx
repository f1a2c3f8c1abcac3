import { Link, Route, Switch } from "wouter";
import { ReportPage } from "./ReportPage.tsx";
import { TrackPage } from "./TrackPage.tsx";

/** The pages residents use without an account: a plain header, no staff navigation. */
export function PublicPages() {
  return (
    <div className="cr-public">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <Link href="/report" className="brand">
          Pathways
        </Link>
        <span className="cr-public-tagline">Report a concern to the city drugs taskforce</span>
      </header>
      <main id="main" className="main cr-public-main" tabIndex={-1}>
        <Switch>
          <Route path="/report">
            <ReportPage />
          </Route>
          <Route path="/track/:token">{(params) => <TrackPage token={params.token} />}</Route>
        </Switch>
      </main>
      <footer className="cr-public-footer">
        <p>If someone is in danger now, call 999. Not an emergency: call the police on 101.</p>
        <p>
          <Link href="/">Staff sign in</Link>
        </p>
      </footer>
    </div>
  );
}
