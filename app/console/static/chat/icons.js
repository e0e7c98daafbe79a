// Icons drawn as inline SVG, not emoji: an emoji needs a colour-emoji font that
// older phones and office PCs lack, and then shows as an empty box.
// Paths: Material Design icons "thumb_up" (here) and "place" (index.html), Google, Apache-2.0.

const SVG = "http://www.w3.org/2000/svg";
const PATHS = {
  thumbUp:
    "M1 21h4V9H1v12zm22-11c0-1.1-.9-2-2-2h-6.31l.95-4.57.03-.32c0-.41-.17-.79-.44-1.06L14.17 1 7.59 7.59C7.22 7.95 7 8.45 7 9v10c0 1.1.9 2 2 2h9c.83 0 1.54-.5 1.84-1.22l3.02-7.05c.09-.23.14-.47.14-.73v-2z",
};

export function icon(name, flipped = false) {
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  svg.setAttribute("class", flipped ? "icon icon-flipped" : "icon");
  const path = document.createElementNS(SVG, "path");
  path.setAttribute("d", PATHS[name]);
  svg.append(path);
  return svg;
}

/** A button title without the emoji in front of it ("👍 มีประโยชน์" -> "มีประโยชน์"). */
export function withoutLeadingEmoji(text) {
  const stripped = text.replace(/^[\p{Extended_Pictographic}\u{1F3FB}-\u{1F3FF}\uFE0F\u200D\s]+/u, "");
  return stripped || text;
}
