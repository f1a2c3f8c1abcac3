import type { ReactNode } from "react";

/**
 * The one way the app tells a worker where something stands, everywhere: no connection, signed out,
 * refused by Pathways, something broke, or saved on this phone (waiting to send). Each has its own
 * colour and first word, so it reads the same on every page.
 */
export type StatusKind = "offline" | "signed-out" | "refused" | "error" | "saved";

const headings: Record<StatusKind, string> = {
  offline: "No connection",
  "signed-out": "Signed out",
  refused: "Not accepted",
  error: "Something went wrong",
  saved: "Saved on this phone",
};

export function StatusNotice({
  kind,
  children,
  onRetry,
}: {
  kind: StatusKind;
  children: ReactNode;
  onRetry?: () => void;
}) {
  // Problems interrupt (alert); a reassurance is announced politely.
  const role = kind === "saved" ? "status" : "alert";
  return (
    <div className={`notice status-notice status-notice-${kind}`} role={role}>
      <p>
        <strong>{headings[kind]}.</strong> {children}
      </p>
      {onRetry && (
        <button type="button" className="button button-secondary" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}
