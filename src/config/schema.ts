import { z } from 'zod';
import { langTag, semver } from '../content/schemas.js';

export const PAPER_SIZES = ['a4', 'letter'] as const;
export type PaperSize = (typeof PAPER_SIZES)[number];

const text = z.string().trim().min(1, { error: 'Must not be empty' });

export const clinicSchema = z.object({
  name: text.describe('Clinic name.'),
  address: text.optional().describe('Postal address, one line.'),
  phone: text.optional().describe('Phone number as it should be printed.'),
  email: text.optional().describe('Contact email address.'),
  website: text.optional().describe('Website address.'),
  logo: text.optional().describe('Logo image (PNG, JPEG or SVG), relative to the content folder.'),
});
export type Clinic = z.infer<typeof clinicSchema>;

/** `content/careprint.yaml`. Every field has a default, so a new project can start empty. */
export const configSchema = z.object({
  title: text.default('Patient guides').describe('Site title.'),
  organisation: text.optional().describe('Organisation named on every handout and page.'),
  version: semver.default('0.0.0').describe('Content release version (the bundle version).'),
  base_url: z
    .string()
    .refine((value) => /^https?:\/\//.test(value), { error: 'Expected an absolute http(s) URL' })
    // Guide pages are found under it (QR codes, links on paper): a ?query or #fragment would be
    // dropped from them, and with it the path before (…/guides?src=qr gave …/slug/, not …/guides/slug/).
    .refine((value) => !/[?#]/.test(value), { error: 'Expected the site address without ?query or #fragment: guide pages are found under it' })
    .optional()
    .describe('Public address of the site, for QR codes and links on paper.'),
  languages: z
    .array(langTag)
    .min(1)
    // Language tags are case-insensitive (en-GB is en-gb): one listed twice is a slip in the file.
    .refine((tags) => new Set(tags.map((tag) => tag.toLowerCase())).size === tags.length, { error: 'Each language may be listed once' })
    .default(['en'])
    .describe('Languages built; the first is the primary one.'),
  paper: z
    .array(z.enum(PAPER_SIZES, { error: 'Expected a4 or letter' }))
    .min(1)
    // Each size names its files: a size listed twice would write every PDF twice.
    .refine((sizes) => new Set(sizes).size === sizes.length, { error: 'Each paper size may be listed once' })
    .default(['a4'])
    .describe('Paper sizes to build PDFs for.'),
  readability: z
    .object({ target_grade: z.number().positive().default(8).describe('Reading grade the text should not exceed.') })
    .default({ target_grade: 8 })
    .describe('Readability target.'),
  review: z
    .object({
      /** Days before `next_review` when a "review due soon" warning starts. */
      warn_days: z.number().int().nonnegative().default(60).describe('Days before next_review when the review-due-soon warning starts.'),
    })
    .default({ warn_days: 60 })
    .describe('Review policy.'),
  clinic: clinicSchema.optional().describe('Default clinic contact block printed on handouts.'),
  quiz: z
    .object({
      versions: z.number().int().min(1).max(26).default(1).describe('How many versions (A, B, …) of each quiz sheet to print, shuffled; 1 keeps the written order.'),
      seed: z.union([z.string().min(1), z.number()]).optional().describe('Seed for shuffling versions (default: the guide slug); the same seed gives the same sheets.'),
    })
    .default({ versions: 1 })
    .describe('Printed quiz versions.'),
  disclaimer: text.optional().describe('Replaces the default disclaimer text.'),
});
export type Config = z.infer<typeof configSchema>;
