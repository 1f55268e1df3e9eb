import { useLayoutEffect, useRef, type ReactNode } from "react";

/**
 * A data table that becomes a list of cards on a phone (styles.css, under 700 px): every cell is labelled with its
 * column's header (data-label, shown before the value), so a row reads "Amount: TDT 400.00" without the header row,
 * and the actions cell sits at the foot of its card instead of off-screen to the right.
 */
export function Table({ children, testId }: { children: ReactNode; testId?: string }) {
  const ref = useRef<HTMLTableElement>(null);
  useLayoutEffect(() => {
    const table = ref.current;
    if (!table) return;
    const label = () => {
      const heads = [...table.querySelectorAll("thead th")].map((th) => th.textContent?.trim() ?? "");
      for (const row of table.querySelectorAll("tbody tr")) {
        [...row.children].forEach((cell, i) => {
          if (heads[i]) {
            if (cell.getAttribute("data-label") !== heads[i]) cell.setAttribute("data-label", heads[i]);
          } else cell.removeAttribute("data-label");
        });
      }
    };
    label();
    // Rows come and go with the data, and headers change with the language: label again after each change. Only
    // attributes are written, which this observer does not watch, so it never feeds itself.
    const observer = new MutationObserver(label);
    observer.observe(table, { childList: true, subtree: true, characterData: true });
    return () => observer.disconnect();
  }, []);
  return (
    <div className="table-wrap">
      <table ref={ref} className="responsive" data-testid={testId}>
        {children}
      </table>
    </div>
  );
}
