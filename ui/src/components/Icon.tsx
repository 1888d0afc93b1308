// A handful of 16px stroke icons, inline so nothing is fetched at run time.
const PATHS = {
  integrations: "M6 3v3M10 3v3M4.5 6h7v2.5a3.5 3.5 0 0 1-7 0V6zM8 12v2",
  requisitions: "M4 2.5h8a.5.5 0 0 1 .5.5v10.5a.5.5 0 0 1-.5.5H4a.5.5 0 0 1-.5-.5V3a.5.5 0 0 1 .5-.5zM6 5.5h4M6 8h4M6 10.5h2.5",
  candidates: "M8 7.5a2.5 2.5 0 1 0 0-5 2.5 2.5 0 0 0 0 5zM3 13.5c.6-2.3 2.6-3.7 5-3.7s4.4 1.4 5 3.7",
  reports: "M3 13.5h10M5 11V7.5M8 11V4M11 11V9",
  webhooks: "M6.5 5.5a2 2 0 1 1 3 1.7L8 10M4.6 8.6A2 2 0 1 0 6.5 12h4M11.5 9a2 2 0 1 1-1 3.7",
  activity: "M2 8h3l1.5-4 3 8L11 8h3",
  writeback: "M8 10V2.5M5 5.5l3-3 3 3M3 10.5v2.5a.5.5 0 0 0 .5.5h9a.5.5 0 0 0 .5-.5v-2.5",
  link: "M6.5 9.5l3-3M7 4.5l1-1a2.5 2.5 0 0 1 3.5 3.5l-1 1M9 11.5l-1 1A2.5 2.5 0 0 1 4.5 9l1-1",
  chevron: "M6 4l4 4-4 4",
  search: "M7 12a5 5 0 1 0 0-10 5 5 0 0 0 0 10zM14 14l-3.5-3.5",
  close: "M4 4l8 8M12 4l-8 8",
  refresh: "M13 8a5 5 0 1 1-1.5-3.5M13 2.5V5h-2.5",
  alert: "M8 5.5v3M8 11v.01M7.1 2.6 1.9 11.8A1 1 0 0 0 2.8 13.3h10.4a1 1 0 0 0 .9-1.5L8.9 2.6a1 1 0 0 0-1.8 0z",
  info: "M8 14A6 6 0 1 0 8 2a6 6 0 0 0 0 12zM8 7.5V11M8 5v.01",
  error: "M8 14A6 6 0 1 0 8 2a6 6 0 0 0 0 12zM6 6l4 4M10 6l-4 4",
  inbox: "M2.5 9.5 4 3.5h8l1.5 6v3a1 1 0 0 1-1 1h-9a1 1 0 0 1-1-1v-3zM2.5 9.5H6l.5 1.5h3l.5-1.5h3.5",
  sort: "M5.5 3v10M3 10.5 5.5 13 8 10.5M10.5 13V3M8 5.5 10.5 3 13 5.5",
  up: "M8 13V3M4 7l4-4 4 4",
  down: "M8 3v10M4 9l4 4 4-4",
  back: "M13 8H3M7 4 3 8l4 4",
  file: "M4.5 2h4.8L12.5 5.2v8.3a.5.5 0 0 1-.5.5H4.5a.5.5 0 0 1-.5-.5v-11a.5.5 0 0 1 .5-.5zM9 2v3.5h3.5M6 9h4M6 11.5h2.5",
  external: "M9.5 2.5h4v4M13.5 2.5 8 8M12 9.5v3.5a.5.5 0 0 1-.5.5h-8a.5.5 0 0 1-.5-.5v-8a.5.5 0 0 1 .5-.5H7",
} as const;

export type IconName = keyof typeof PATHS;

export function Icon({ name, size = 16, className }: { name: IconName; size?: number; className?: string }) {
  return (
    <svg
      className={className ? `icon ${className}` : "icon"}
      width={size}
      height={size}
      viewBox="0 0 16 16"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.4"
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      <path d={PATHS[name]} />
    </svg>
  );
}
