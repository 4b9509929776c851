import type { ForeignLocation } from '../universe';
import type { Place } from '../syntax';

/** Where an answer points: a place in the open domain, or a place in another domain (a checkout file or a read-only document). */
export type Where = { kind: 'local'; place: Place } | ForeignLocation;

/** A place in the open domain. */
export function local(place: Place): Where {
  return { kind: 'local', place };
}
