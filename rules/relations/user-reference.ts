/** How a column's name says what it references: `eventId` → event, `reader_id` → a user in a role, `created_by` → who did it. */
import { perName, words } from '../names';

/** `eventId`, `event_id`, `eventID`, `EventId` → `event`; anything else → undefined. */
export function referencedName(columnName: string): string | undefined {
  // Every column is asked: only a name ending in d/D can match (the regex's lazy prefix is not free).
  const last = columnName.charCodeAt(columnName.length - 1);
  if (last !== 100 && last !== 68) return undefined;
  // The same names recur in every table (`userId`): remembered.
  return stemOf(columnName);
}

const stemOf = perName((columnName) => {
  const m = /^(.+?)(?:_id|Id|ID|_ID)$/.exec(columnName);
  const stem = m ? m[1].replace(/_+$/, '') : '';
  return stem.length > 0 ? stem : undefined;
});

/**
 * Roles people have in an application: a `reader_id` where no `readers` table exists names a user in that role
 * (seed 004: `bookings.reader_id → users.id`). Only nouns that name a person and hardly anything else: not
 * `customer`, `client`, `member`, `vendor` or `subscriber` (often ids of a payment provider or an OAuth client),
 * nor `host`, `driver`, `agent` or `operator` (machines and programs as often as people).
 */
const PERSON_ROLES = new Set([
  'reader', 'author', 'owner', 'creator', 'sender', 'recipient', 'receiver', 'assignee', 'assigner', 'reporter',
  'reviewer', 'approver', 'requester', 'requestor', 'buyer', 'seller', 'editor', 'moderator', 'admin', 'organizer',
  'organiser', 'inviter', 'invitee', 'referrer', 'referee', 'follower', 'followee', 'teacher', 'student', 'instructor',
  'tutor', 'mentor', 'mentee', 'coach', 'therapist', 'doctor', 'patient', 'uploader', 'commenter', 'voter', 'attendee',
  'participant', 'winner', 'publisher', 'submitter',
]);

/** Words that may stand before a role: `primary_reader_id`, `assignedReviewerId`. */
const ROLE_QUALIFIERS = new Set(['primary', 'secondary', 'main', 'assigned', 'current', 'original', 'last', 'first', 'previous', 'new', 'default', 'lead', 'co', 'head']);

/** Verbs of `created_by`, `approved_by`: the user who did it. */
const BY_VERBS = new Set([
  'created', 'updated', 'deleted', 'modified', 'approved', 'reviewed', 'assigned', 'requested', 'submitted', 'cancelled',
  'canceled', 'invited', 'verified', 'published', 'archived', 'closed', 'resolved', 'edited', 'uploaded', 'rejected',
  'referred', 'owned', 'completed', 'confirmed', 'signed',
]);

/**
 * How a column's name says it holds a user's id when no table is named by it: a person's role (`reader_id`,
 * `assignedReviewerId`) or who did something (`created_by`, `approvedById`). Undefined otherwise.
 */
// Asked for most columns of every table, and names recur: remembered. The answers are shared: read-only.
export const userReference: (columnName: string) => UserReference | undefined = perName((columnName) => userReferenceOf(columnName));

export interface UserReference {
  kind: 'role' | 'by';
  words: string;
}

function userReferenceOf(columnName: string): UserReference | undefined {
  const stem = referencedName(columnName);
  const ws = words(stem ?? columnName);
  if (ws.length === 0) return undefined;
  const last = ws[ws.length - 1];
  if (last === 'by') {
    // `created_by`, `createdBy`, `created_by_id`: exactly a verb and "by".
    return ws.length === 2 && BY_VERBS.has(ws[0]) ? { kind: 'by', words: `${ws[0]} by` } : undefined;
  }
  if (!stem || !PERSON_ROLES.has(last)) return undefined;
  for (let i = 0; i < ws.length - 1; i++) if (!ROLE_QUALIFIERS.has(ws[i])) return undefined;
  return { kind: 'role', words: last };
}
