/**
 * Resource classes: `gpu/<vendor>/<model-slug>`, one per GPU model, so that
 * the same hardware gets the same capability key on every provider.
 * "NVIDIA H100 80GB HBM3" from vendor nvidia → gpu/nvidia/h100-80gb-hbm3.
 */

export const CLASS_PATTERN = '^gpu/[a-z0-9][a-z0-9-]{0,31}/[a-z0-9][a-z0-9-]{0,62}$'
const MAX_SLUG_CHARS = 63

/** Lower case, runs of anything else than letters and digits become one hyphen. */
export function slugify (text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '')
}

/** The model's slug without a leading vendor name (nvidia-smi says "NVIDIA H100…"). */
export function modelSlug (vendor: string, model: string): string {
  const slug = slugify(model)
  const prefix = slugify(vendor) + '-'
  const bare = slug.startsWith(prefix) ? slug.slice(prefix.length) : slug
  return (bare === '' ? slug : bare).slice(0, MAX_SLUG_CHARS).replace(/-+$/, '')
}

export function resourceClass (vendor: string, model: string): string {
  return `gpu/${slugify(vendor)}/${modelSlug(vendor, model)}`
}
