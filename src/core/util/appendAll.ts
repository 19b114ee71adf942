/**
 * Appends `items` to `target` in place. `target.push(...items)` passes every item as an argument,
 * and throws RangeError (maximum call stack size exceeded) once there are about 100k of them.
 */
export function appendAll<T>(target: T[], items: readonly T[]): void {
  for (let i = 0; i < items.length; i++) target.push(items[i]!);
}
