import type { ReactNode, SyntheticEvent } from "react";

/** Keeps clicks and keys on a control inside a clickable row from opening the row. */
export function Stop({ children }: { children: ReactNode }) {
  const stop = (e: SyntheticEvent) => e.stopPropagation();
  return (
    <span className="row-control" onClick={stop} onKeyDown={stop}>
      {children}
    </span>
  );
}
