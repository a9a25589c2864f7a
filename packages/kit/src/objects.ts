/**
 * `{ [key]: value }` when the value is defined, else `{}`: spread it into an object literal so that
 * optional properties are left out rather than set to undefined.
 */
export function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}
