import { z } from 'zod';
import { langTag, semver } from '../content/schemas.js';

export const PAPER_SIZES = ['a4', 'letter'] as const;
export type PaperSize = (typeof PAPER_SIZES)[number];

const text = z.string().trim().min(1, { error: 'Must not be empty' });

export const clinicSchema = z.object({
  name: text,
  address: text.optional(),
  phone: text.optional(),
  email: text.optional(),
  website: text.optional(),
});
export type Clinic = z.infer<typeof clinicSchema>;

/** `content/careprint.yaml`. Every field has a default, so a new project can start empty. */
export const configSchema = z.object({
  title: text.default('Patient guides'),
  organisation: text.optional(),
  version: semver.default('0.0.0'),
  base_url: z
    .string()
    .refine((value) => /^https?:\/\//.test(value), { error: 'Expected an absolute http(s) URL' })
    .optional(),
  languages: z.array(langTag).min(1).default(['en']),
  paper: z.array(z.enum(PAPER_SIZES, { error: 'Expected a4 or letter' })).min(1).default(['a4']),
  readability: z.object({ target_grade: z.number().positive().default(8) }).default({ target_grade: 8 }),
  review: z
    .object({
      /** Days before `next_review` when a "review due soon" warning starts. */
      warn_days: z.number().int().nonnegative().default(60),
    })
    .default({ warn_days: 60 }),
  clinic: clinicSchema.optional(),
  disclaimer: text.optional(),
});
export type Config = z.infer<typeof configSchema>;
