import { useEffect, useRef, useState, type KeyboardEvent, type ReactNode } from "react";
import { Icon } from "./Icon";

export interface Column<Row, SortKey extends string> {
  id: string;
  header: string;
  /** A CSS grid track, e.g. "minmax(220px, 2fr)" or "96px". */
  width: string;
  align?: "right";
  sortKey?: SortKey;
  render: (row: Row) => ReactNode;
}

export interface SortState<SortKey extends string> {
  key: SortKey;
  dir: "asc" | "desc";
}

interface Props<Row, SortKey extends string> {
  label: string;
  columns: Column<Row, SortKey>[];
  total: number;
  rowAt: (i: number) => Row | undefined;
  rowId: (row: Row) => string;
  rowHeight: number;
  rowTestId: string;
  /** Changes when the query changes; the table scrolls back to the top. */
  resetKey: string;
  onVisibleRows: (first: number, last: number) => void;
  /** `null`: the backend's default order, no column marked. */
  sort: SortState<SortKey> | null;
  onSort: (key: SortKey) => void;
  /** A full-width line under each row's cells (rowHeight must leave room). */
  renderBelow?: (row: Row) => ReactNode;
  onRowClick?: (row: Row) => void;
  selectedId?: string | null;
}

const OVERSCAN = 8;
const HEADER_HEIGHT = 34;
// Used until the real height is known (and in jsdom, which has no layout).
const FALLBACK_VIEWPORT = 640;

/**
 * A windowed table: only the rows under the viewport are in the DOM, so it
 * scrolls smoothly over 100,000 rows. Rows have a fixed height.
 */
export function VirtualTable<Row, SortKey extends string>(props: Props<Row, SortKey>) {
  const { columns, total, rowHeight, onVisibleRows, resetKey } = props;
  const scroller = useRef<HTMLDivElement>(null);
  const [viewport, setViewport] = useState(FALLBACK_VIEWPORT);
  const [top, setTop] = useState({ resetKey, row: 0 });
  const topRow = top.resetKey === resetKey ? top.row : 0;

  const visibleCount = Math.ceil(viewport / rowHeight);
  const first = Math.max(0, topRow - OVERSCAN);
  const last = Math.min(total - 1, topRow + visibleCount + OVERSCAN);

  function report(scrollTop: number, height: number) {
    const row = Math.floor(Math.max(0, scrollTop - HEADER_HEIGHT) / rowHeight);
    setTop((t) => (t.resetKey === resetKey && t.row === row ? t : { resetKey, row }));
    // Ask for the same window that is rendered, overscan included.
    const visible = Math.ceil((height > 0 ? height : viewport) / rowHeight);
    onVisibleRows(Math.max(0, row - OVERSCAN), row + visible + OVERSCAN);
  }

  useEffect(() => {
    const el = scroller.current;
    if (el) el.scrollTop = 0;
  }, [resetKey]);

  useEffect(() => {
    const el = scroller.current;
    if (!el || typeof ResizeObserver === "undefined") return;
    const ro = new ResizeObserver(() => {
      const height = el.clientHeight - HEADER_HEIGHT;
      if (height > 0) {
        setViewport(height);
        const row = Math.floor(Math.max(0, el.scrollTop - HEADER_HEIGHT) / rowHeight);
        onVisibleRows(Math.max(0, row - OVERSCAN), row + Math.ceil(height / rowHeight) + OVERSCAN);
      }
    });
    ro.observe(el);
    return () => ro.disconnect();
  }, [onVisibleRows, rowHeight]);

  const template = columns.map((c) => c.width).join(" ");
  const rows: ReactNode[] = [];
  for (let i = first; i <= last; i++) {
    const row = props.rowAt(i);
    const style = { gridTemplateColumns: template, height: rowHeight, transform: `translateY(${i * rowHeight}px)` };
    if (row === undefined) {
      rows.push(
        <div key={`skeleton-${i}`} className="vt-row vt-row--skeleton" style={style} role="row" aria-rowindex={i + 2} aria-busy="true">
          {columns.map((c) => (
            <div key={c.id} className="vt-cell" role="cell">
              <span className="skeleton" />
            </div>
          ))}
        </div>,
      );
      continue;
    }
    const id = props.rowId(row);
    const onRowClick = props.onRowClick;
    const selected = props.selectedId === id;
    rows.push(
      <div
        key={id}
        className={`vt-row${onRowClick ? " vt-row--clickable" : ""}${selected ? " vt-row--selected" : ""}${props.renderBelow ? " vt-row--below" : ""}`}
        style={style}
        role="row"
        aria-rowindex={i + 2}
        aria-selected={onRowClick ? selected : undefined}
        data-testid={props.rowTestId}
        tabIndex={onRowClick ? 0 : undefined}
        onClick={onRowClick ? () => onRowClick(row) : undefined}
        onKeyDown={
          onRowClick
            ? (e: KeyboardEvent) => {
                if (e.key === "Enter" || e.key === " ") {
                  e.preventDefault();
                  onRowClick(row);
                }
              }
            : undefined
        }
      >
        {columns.map((c) => (
          <div key={c.id} className={c.align === "right" ? "vt-cell vt-cell--right" : "vt-cell"} role="cell">
            {c.render(row)}
          </div>
        ))}
        {props.renderBelow && (
          <div className="vt-below" role="cell">
            {props.renderBelow(row)}
          </div>
        )}
      </div>,
    );
  }

  return (
    <div
      className="vt"
      ref={scroller}
      role="table"
      aria-label={props.label}
      aria-rowcount={total + 1}
      onScroll={(e) => report(e.currentTarget.scrollTop, e.currentTarget.clientHeight - HEADER_HEIGHT)}
    >
      <div className="vt-head" role="row" aria-rowindex={1} style={{ gridTemplateColumns: template, height: HEADER_HEIGHT }}>
        {columns.map((c) => {
          const sortKey = c.sortKey;
          const active = sortKey !== undefined && props.sort?.key === sortKey;
          return (
            <div
              key={c.id}
              role="columnheader"
              className={c.align === "right" ? "vt-cell vt-cell--right" : "vt-cell"}
              aria-sort={active ? (props.sort?.dir === "asc" ? "ascending" : "descending") : undefined}
            >
              {sortKey === undefined ? (
                c.header
              ) : (
                <button type="button" className={active ? "vt-sort vt-sort--active" : "vt-sort"} onClick={() => props.onSort(sortKey)}>
                  {c.header}
                  <Icon name={active ? (props.sort?.dir === "asc" ? "up" : "down") : "sort"} size={12} />
                </button>
              )}
            </div>
          );
        })}
      </div>
      <div className="vt-body" role="rowgroup" style={{ height: total * rowHeight }}>
        {rows}
      </div>
    </div>
  );
}
