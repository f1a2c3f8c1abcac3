import { Link } from "wouter";
import { PageHeader } from "../components/ui.tsx";

export function ForbiddenPage() {
  return (
    <section>
      <PageHeader title="You do not have access to this page" />
      <p>Your role does not allow you to see this. If you need it for your work, ask your administrator.</p>
      <p>
        <Link href="/">Go to your home page</Link>
      </p>
    </section>
  );
}

export function NotFoundPage() {
  return (
    <section>
      <PageHeader title="Page not found" />
      <p>
        There is no page at this address. <Link href="/">Go to your home page</Link>.
      </p>
    </section>
  );
}
