// Where members sit in the hall: around an ellipse that fills the space the hall has, the first at
// the top, clockwise. The SVG's units are CSS pixels (its viewBox follows its size), so text keeps
// its size on a projector; members shrink as the society grows (up to 15).

export interface Point {
  readonly x: number;
  readonly y: number;
}

export interface HallLayout {
  readonly width: number;
  readonly height: number;
  /** A member's circle radius. */
  readonly r: number;
  /** Text scale relative to a member of radius 42. */
  readonly scale: number;
  /** A large society: names sit outside the ellipse and only unusual roles get a badge. */
  readonly compact: boolean;
  readonly at: ReadonlyMap<number, Point>;
  /** The outward direction of each member from the hall's centre (a unit vector). */
  readonly out: ReadonlyMap<number, Point>;
}

/** Societies of this many members or more are drawn compact. */
export const COMPACT_FROM = 8;

export function hallLayout(ids: readonly number[], width: number, height: number): HallLayout {
  const n = ids.length;
  const w = Math.max(320, width);
  const h = Math.max(280, height);
  const compact = n >= COMPACT_FROM;
  let r = compact
    ? Math.max(18, Math.min(26, Math.min(w, h) * 0.05))
    : Math.max(22, Math.min(44, Math.min(w, h) * 0.08));
  // Room for the badge above a member and its name and facts below (beside it when compact),
  // and half a label either side.
  const above = (k: number): number => (compact ? k + 44 : k + 40);
  const below = (k: number): number => (compact ? k + 40 : k + 52);
  const side = (k: number): number => (compact ? k + 128 : Math.max(84, k + 14));
  let rx = w / 2 - side(r);
  let ry = (h - above(r) - below(r)) / 2;
  // Neighbours must not overlap: shrink the circles when many share the ellipse.
  if (n > 1) r = Math.max(16, Math.min(r, ((Math.PI * Math.min(rx, ry * 1.2)) / n) * 0.55));
  rx = w / 2 - side(r);
  ry = (h - above(r) - below(r)) / 2;
  const cx = w / 2;
  const cy = above(r) + ry;
  const at = new Map<number, Point>();
  const out = new Map<number, Point>();
  ids.forEach((id, i) => {
    const angle = -Math.PI / 2 + (2 * Math.PI * i) / Math.max(1, n);
    out.set(id, { x: Math.cos(angle), y: Math.sin(angle) });
    at.set(id, n === 1 ? { x: cx, y: cy } : { x: cx + rx * Math.cos(angle), y: cy + ry * Math.sin(angle) });
  });
  return { width: w, height: h, r, scale: compact ? 0.8 : Math.max(0.78, Math.min(1.12, r / 42)), compact, at, out };
}

/** The point `d` along from a toward b. */
export function along(a: Point, b: Point, d: number): Point {
  const len = Math.hypot(b.x - a.x, b.y - a.y) || 1;
  return { x: a.x + ((b.x - a.x) * d) / len, y: a.y + ((b.y - a.y) * d) / len };
}

/** The point at fraction t of the way from a to b. */
export function lerp(a: Point, b: Point, t: number): Point {
  return { x: a.x + (b.x - a.x) * t, y: a.y + (b.y - a.y) * t };
}
