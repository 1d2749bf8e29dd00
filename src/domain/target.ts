import { z } from "zod";

/**
 * A target as the plan wrote it, plus the date range it means. `from`/`to` are ISO dates
 * (YYYY-MM-DD, UK calendar days); both null when the text names no date ("Ongoing", "TBC").
 */
export const Target = z.object({
  text: z.string(),
  from: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).nullable(),
  to: z.string().regex(/^\d{4}-\d{2}-\d{2}$/).nullable(),
  ongoing: z.boolean(),
});
export type Target = z.infer<typeof Target>;
