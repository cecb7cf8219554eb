/** Lotus's model: a caller with no token reads; the repo's token can do everything. */
export const PERMISSIONS = ['read', 'write', 'admin'] as const
export type Permission = typeof PERMISSIONS[number]

export function isPermission (value: unknown): value is Permission {
  return typeof value === 'string' && (PERMISSIONS as readonly string[]).includes(value)
}

/** Each permission includes the ones before it. */
export function allows (granted: Permission, needed: Permission): boolean {
  return PERMISSIONS.indexOf(granted) >= PERMISSIONS.indexOf(needed)
}
