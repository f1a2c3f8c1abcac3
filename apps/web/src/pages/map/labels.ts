import * as L from "leaflet";

/** Room kept between two labels, in pixels. */
const labelGap = 4;

type Box = { left: number; right: number; top: number; bottom: number };

function overlaps(a: Box, b: Box): boolean {
  return (
    a.left < b.right + labelGap &&
    b.left < a.right + labelGap &&
    a.top < b.bottom + labelGap &&
    b.top < a.bottom + labelGap
  );
}

function moved(box: Box, dx: number, dy: number): Box {
  return { left: box.left + dx, right: box.right + dx, top: box.top + dy, bottom: box.bottom + dy };
}

/** Each label's own offset from its layer, before any move made here. */
const ownOffsets = new WeakMap<L.Tooltip, L.Point>();

/**
 * Moves a map's permanent labels apart where they would cover each other (the commissioner's area
 * counts, the resident form's place names; areas close together, or a phone's narrow map): each label
 * in turn, top to bottom, takes the nearest place to its own that covers no label already placed,
 * inside the map where there is room (up, down, or a label's width to either side). A label keeps its
 * name, so one moved away still says what it labels. Run again after every zoom, move and resize,
 * from each label's own place.
 */
export function separateLabels(tooltips: L.Tooltip[], container: HTMLElement): void {
  for (const tooltip of tooltips) {
    if (!ownOffsets.has(tooltip)) ownOffsets.set(tooltip, L.point(tooltip.options.offset ?? [0, 0]));
    tooltip.options.offset = ownOffsets.get(tooltip)!;
    tooltip.update();
  }
  const frame = container.getBoundingClientRect();
  const measured = tooltips
    .map((tooltip) => ({ tooltip, box: tooltip.getElement()?.getBoundingClientRect() }))
    .filter((label): label is { tooltip: L.Tooltip; box: DOMRect } => label.box !== undefined)
    .sort((a, b) => a.box.top - b.box.top || a.box.left - b.box.left);
  const placed: Box[] = [];
  for (const { tooltip, box } of measured) {
    const across = box.width + labelGap;
    const candidates: [number, number][] = [];
    for (const dx of [0, -across, across, -2 * across, 2 * across]) {
      for (let dy = -frame.height; dy <= frame.height; dy += 6) candidates.push([dx, dy]);
    }
    candidates.sort(([ax, ay], [bx, by]) => ax * ax + ay * ay - (bx * bx + by * by));
    const free = candidates.filter(
      ([dx, dy]) => !placed.some((other) => overlaps(moved(box, dx, dy), other)),
    );
    const inside = free.find(([dx, dy]) => {
      const at = moved(box, dx, dy);
      return (
        at.left >= frame.left && at.right <= frame.right && at.top >= frame.top && at.bottom <= frame.bottom
      );
    });
    const [dx, dy] = inside ?? free[0] ?? [0, 0];
    placed.push(moved(box, dx, dy));
    if (dx !== 0 || dy !== 0) {
      tooltip.options.offset = ownOffsets.get(tooltip)!.add([dx, dy]);
      tooltip.update();
    }
  }
}
