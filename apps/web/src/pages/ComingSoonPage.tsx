import { PageHeader } from "../components/ui.tsx";

/** An area whose tools are not in this version yet; says so plainly rather than showing empty screens. */
export function ComingSoonPage({ title, what }: { title: string; what: string }) {
  return (
    <section>
      <PageHeader title={title} />
      <div className="notice">
        <p>{what} are not available in this version of Pathways yet.</p>
      </div>
    </section>
  );
}
