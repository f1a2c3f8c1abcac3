import type { ReactNode } from "react";

/** Who to call when a report cannot wait: shown on the public report form. */
export function EmergencyNotice({ children }: { children?: ReactNode }) {
  return (
    <div className="notice cr-notice-emergency">
      <p>
        <strong>If someone is in danger now, call 999.</strong> To report a crime anonymously, call
        Crimestoppers on 0800 555 111.
      </p>
      {children}
    </div>
  );
}
