/** Larger bitmaps are refused: careprint decodes every PNG whole (8000×8000 costs about 1 GB), a PDF viewer every JPEG. */
export const MAX_IMAGE_PIXELS = 25_000_000;

/**
 * Nor may a bitmap be longer than this on either side, whatever its area: the PNG decoder's cost
 * goes with rows as well as pixels (a 1×25,000,000 PNG, within the area limit, took 40 s and
 * 3 GB), and no handout needs more than this across or down. Checked from the header, before
 * anything is decoded.
 */
export const MAX_IMAGE_SIDE = 10_000;
