const numberFormat = new Intl.NumberFormat("en-US");

/** 4000 -> "4,000". The UI is English; a fixed locale keeps it consistent. */
export function formatCount(n: number): string {
  return numberFormat.format(n);
}

/** "1 application", "3 applications". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}
