/**
 * What an SVG figure may hold once careprint has re-serialised it (see svg.ts): static drawing
 * and nothing else. A positive list — anything not named here is left out of the published file,
 * whatever it is called or however it is spelled — drawn from the SVG 1.1 element and attribute
 * indexes, keeping what a figure drawn in Inkscape or Illustrator uses and leaving out everything
 * that runs, animates, loads or embeds: script, handler, listener, foreignObject, the animation
 * elements (which can rewrite an `href` to `javascript:` while the file is open), `feImage`,
 * `cursor`, `font-face` and `color-profile` (which load from addresses). A gradient's
 * `spreadMethod` is left out too (gradients pad): svg-to-pdfkit draws a repeated or reflected
 * gradient one stripe at a time, and a 300-byte figure asked for ten million stripes.
 */

export const SVG_NS = 'http://www.w3.org/2000/svg';
export const XLINK_NS = 'http://www.w3.org/1999/xlink';
export const XML_NS = 'http://www.w3.org/XML/1998/namespace';

/** Elements kept, by local name in the SVG namespace (case as SVG spells them). */
export const SVG_ELEMENTS: ReadonlySet<string> = new Set([
  'svg', 'g', 'defs', 'symbol', 'use', 'switch', 'title', 'desc', 'a', 'view',
  'path', 'rect', 'circle', 'ellipse', 'line', 'polyline', 'polygon',
  'text', 'tspan', 'textPath',
  'image',
  'linearGradient', 'radialGradient', 'stop', 'pattern', 'clipPath', 'mask', 'marker',
  'style',
  'filter', 'feBlend', 'feColorMatrix', 'feComponentTransfer', 'feComposite', 'feConvolveMatrix',
  'feDiffuseLighting', 'feDisplacementMap', 'feDistantLight', 'feDropShadow', 'feFlood', 'feFuncA',
  'feFuncB', 'feFuncG', 'feFuncR', 'feGaussianBlur', 'feMerge', 'feMergeNode', 'feMorphology',
  'feOffset', 'fePointLight', 'feSpecularLighting', 'feSpotLight', 'feTile', 'feTurbulence',
]);

/**
 * Elements that run code, load a document or change the drawing while it is open, in any
 * namespace (`<x:script>` bound to the SVG or XHTML namespace is still a script). Finding one
 * is an error for the editor, not only something left out: the figure was not what it seemed.
 */
export const ACTIVE_ELEMENTS: ReadonlySet<string> = new Set([
  'script', 'handler', 'listener', 'foreignobject', 'iframe', 'embed', 'object', 'frame', 'frameset',
  'animate', 'animatemotion', 'animatetransform', 'animatecolor', 'set', 'discard', 'feimage',
  'html', 'body', 'meta', 'link', 'base', 'form', 'input', 'button', 'audio', 'video', 'canvas',
]);

/** Elements whose text is part of the drawing (or, for style, its stylesheet). */
export const TEXT_ELEMENTS: ReadonlySet<string> = new Set(['a', 'text', 'tspan', 'textPath', 'title', 'desc', 'style']);

/** Presentation properties: kept as attributes, and as declarations in `style` and `<style>`. */
export const CSS_PROPERTIES: ReadonlySet<string> = new Set([
  'fill', 'fill-opacity', 'fill-rule', 'stroke', 'stroke-width', 'stroke-linecap', 'stroke-linejoin',
  'stroke-miterlimit', 'stroke-dasharray', 'stroke-dashoffset', 'stroke-opacity', 'opacity', 'color',
  'display', 'visibility', 'overflow', 'clip-path', 'clip-rule', 'mask', 'marker', 'marker-start',
  'marker-mid', 'marker-end', 'stop-color', 'stop-opacity', 'font', 'font-family', 'font-size',
  'font-size-adjust', 'font-weight', 'font-style', 'font-variant', 'font-stretch', 'text-anchor',
  'dominant-baseline', 'alignment-baseline', 'baseline-shift', 'letter-spacing', 'word-spacing',
  'text-decoration', 'writing-mode', 'direction', 'filter', 'flood-color', 'flood-opacity',
  'lighting-color', 'color-interpolation', 'color-interpolation-filters', 'color-rendering',
  'shape-rendering', 'image-rendering', 'text-rendering', 'vector-effect', 'paint-order',
  'mix-blend-mode', 'isolation', 'transform', 'transform-origin', 'transform-box', 'line-height',
  'white-space',
]);

/** Other attributes kept (no namespace), besides CSS_PROPERTIES, `style` and `href`. */
export const SVG_ATTRIBUTES: ReadonlySet<string> = new Set([
  'id', 'class', 'lang', 'role', 'aria-label', 'aria-labelledby', 'aria-describedby', 'aria-hidden',
  'x', 'y', 'x1', 'x2', 'y1', 'y2', 'cx', 'cy', 'r', 'rx', 'ry', 'fx', 'fy', 'fr', 'width', 'height',
  'd', 'points', 'pathLength', 'viewBox', 'preserveAspectRatio', 'version',
  'clipPathUnits', 'maskUnits', 'maskContentUnits', 'markerWidth', 'markerHeight', 'markerUnits',
  'refX', 'refY', 'orient', 'gradientUnits', 'gradientTransform', 'offset',
  'patternUnits', 'patternContentUnits', 'patternTransform',
  'dx', 'dy', 'rotate', 'textLength', 'lengthAdjust', 'startOffset', 'method', 'spacing', 'side',
  'filterUnits', 'primitiveUnits', 'in', 'in2', 'result', 'mode', 'operator', 'k1', 'k2', 'k3', 'k4',
  'stdDeviation', 'edgeMode', 'type', 'values', 'tableValues', 'slope', 'intercept', 'amplitude',
  'exponent', 'kernelMatrix', 'order', 'divisor', 'bias', 'targetX', 'targetY',
  'preserveAlpha', 'surfaceScale', 'diffuseConstant', 'specularConstant', 'specularExponent',
  'kernelUnitLength', 'azimuth', 'elevation', 'pointsAtX', 'pointsAtY', 'pointsAtZ',
  'limitingConeAngle', 'z', 'scale', 'xChannelSelector', 'yChannelSelector', 'radius',
  'baseFrequency', 'numOctaves', 'seed', 'stitchTiles', 'systemLanguage',
]);

/** CSS functions a value may call: colours and transforms. `url()` is allowed only as `url(#id)`. */
export const CSS_FUNCTIONS: ReadonlySet<string> = new Set([
  'rgb', 'rgba', 'hsl', 'hsla', 'hwb', 'lab', 'lch', 'oklab', 'oklch',
  'matrix', 'translate', 'translatex', 'translatey', 'scale', 'scalex', 'scaley', 'rotate', 'skew',
  'skewx', 'skewy', 'calc',
]);
